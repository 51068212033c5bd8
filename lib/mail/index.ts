import { after } from "next/server";
import { getEnv } from "@/lib/env";
import { createMailer, describeFailure, mailerConfigFromEnv, type Mailer } from "./transport";
import type { MailMessage } from "./types";

export type { MailKind, MailMessage } from "./types";

/**
 * False only in production without SMTP_URL: the routes that must send mail answer 503 then
 * (SPEC §7). Outside production, an unset SMTP_URL means the development outbox.
 */
export function mailConfigured(): boolean {
  return mailerConfigFromEnv(getEnv()).kind !== "off";
}

let mailer: Mailer | undefined;

function getMailer(): Mailer {
  mailer ??= createMailer(mailerConfigFromEnv(getEnv()));
  return mailer;
}

/**
 * Queues the message: never blocks the caller on SMTP and never throws; a failure is logged (its
 * kind and the error, never the body, links or token). In a Next request it runs with after(), so
 * serverless platforms keep the function alive until it is done and the answer is not delayed;
 * outside a request (scripts, vitest) it starts at once and the promise settles when it is done.
 */
export function sendMail(message: MailMessage): Promise<void> {
  let send: Mailer["send"];
  try {
    send = getMailer().send;
  } catch (error) {
    // Only a bad environment gets here, and instrumentation.ts stops the server on that first.
    console.error(describeFailure(message, error));
    return Promise.resolve();
  }
  try {
    after(() => send(message));
    return Promise.resolve();
  } catch {
    // after() throws outside a request scope.
    return send(message);
  }
}
