import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { generate } from "otplib";
import { expect, signIn, type TestUser } from "../fixtures";

// Codes computed in the test from the secret the app handed out, with the same library (issue 14).

const STEP_SECONDS = 30;

/**
 * A code is computed here and checked by the server a moment later: near the end of a step, wait
 * (at most 2 s) for the next one to begin, so both sides see the same step. Not a sleep standing in
 * for a time-dependent feature: the codes themselves are time-based (RFC 6238).
 */
async function clearOfStepEnd(): Promise<number> {
  const secondsLeft = STEP_SECONDS - ((Date.now() / 1000) % STEP_SECONDS);
  if (secondsLeft < 2) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 50));
  return Math.floor(Date.now() / 1000);
}

/** The code an authenticator shows now, or `stepsBack` steps ago. */
export async function totpCode(secret: string, stepsBack = 0): Promise<string> {
  const epoch = await clearOfStepEnd();
  return generate({ secret, epoch: epoch - stepsBack * STEP_SECONDS });
}

/**
 * The previous step's code, which the server still accepts (one step of drift back: SPEC §8).
 * Confirming with it leaves the current step's code free for the next use, so a test needs no wait.
 */
export const previousStepCode = (secret: string) => totpCode(secret, 1);

/** Six digits that are neither the current nor the previous step's code. */
export async function wrongCode(secret: string): Promise<string> {
  const valid = new Set([await totpCode(secret), await totpCode(secret, 1)]);
  return ["000000", "111111", "222222"].find((code) => !valid.has(code))!;
}

/** Turns two-factor on through the API for the user `request` is signed in as; returns what enrolment hands out. */
export async function enableTwoFactor(request: APIRequestContext, user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await request.post("/api/auth/mfa/totp/setup", { data: { currentPassword: user.password } });
  expect(setup.status(), await setup.text()).toBe(200);
  const { secret } = (await setup.json()) as { secret: string };
  const enable = await request.post("/api/auth/mfa/totp/enable", { data: { code: await previousStepCode(secret) } });
  expect(enable.status(), await enable.text()).toBe(200);
  const { recoveryCodes } = (await enable.json()) as { recoveryCodes: string[] };
  expect(recoveryCodes).toHaveLength(10);
  return { secret, recoveryCodes };
}

/** A device of its own that has passed the password step of a two-factor login: it holds the pending challenge. */
export async function pendingSignIn(baseURL: string, user: TestUser): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  const response = await context.post("/api/auth/login", { data: { email: user.email, password: user.password } });
  expect(await response.json()).toEqual({ mfaRequired: true });
  return context;
}

/** A device of its own, signed in. */
export async function signedInDevice(baseURL: string, user: TestUser): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  await signIn(context, user);
  return context;
}
