import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mailerConfigFromEnv, SMTP_TIMEOUT_MS } from "@/lib/mail/transport";
import { startMailbox, waitForMail, type Mailbox } from "../../support/mailbox";
import { freePort } from "../../support/server";

// lib/mail/index.ts as the app uses it: the transport chosen once from the environment.

const BASE_ENV = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/app", SESSION_SECRET: "s".repeat(32) };

/** A fresh lib/mail (and lib/env, which caches) under the given variables. */
async function loadMail(vars: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries({ ...BASE_ENV, ...vars })) vi.stubEnv(name, value);
  const mail = await import("@/lib/mail");
  const messages = await import("@/lib/mail/messages");
  return { ...mail, ...messages };
}

let dir: string;
let mailbox: Mailbox;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cloakroom-send-mail-"));
  mailbox = await startMailbox(dir);
});

afterAll(async () => {
  await mailbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("mailConfigured", () => {
  it.each([
    ["production", "smtp://127.0.0.1:2525", true],
    ["production", "", false],
    ["development", "", true],
    ["development", "smtp://127.0.0.1:2525", true],
    ["test", "", true],
  ])("NODE_ENV=%s SMTP_URL=%j → %s", async (nodeEnv, smtpUrl, expected) => {
    const { mailConfigured } = await loadMail({ NODE_ENV: nodeEnv, SMTP_URL: smtpUrl });
    expect(mailConfigured()).toBe(expected);
  });
});

describe("mailerConfigFromEnv", () => {
  it("chooses SMTP when SMTP_URL is set, the outbox outside production, else nothing", () => {
    const from = "Cloakroom <no-reply@localhost>";
    expect(mailerConfigFromEnv({ smtpUrl: "smtps://u:p@smtp.example.com:465", mailFrom: from, isProduction: true })).toEqual({
      kind: "smtp",
      url: "smtps://u:p@smtp.example.com:465",
      from,
    });
    expect(mailerConfigFromEnv({ smtpUrl: undefined, mailFrom: from, isProduction: false })).toEqual({ kind: "outbox", dir: ".data/outbox", from, print: true });
    expect(mailerConfigFromEnv({ smtpUrl: undefined, mailFrom: from, isProduction: true })).toEqual({ kind: "off" });
    expect(SMTP_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  });
});

describe("sendMail", () => {
  it("outside a request, sends at once over SMTP_URL from MAIL_FROM; the promise settles when it is done", async () => {
    const { sendMail, verifyEmailMessage } = await loadMail({ NODE_ENV: "production", SMTP_URL: mailbox.url, MAIL_FROM: "Acme <auth@acme.test>" });
    const since = Date.now();
    const link = "https://acme.test/verify-email?token=t0k3n";
    await sendMail(verifyEmailMessage("send-mail@example.test", link));
    // Already on disk: the promise settled after the server accepted the message.
    const mail = await waitForMail("send-mail@example.test", { dir, since, timeoutMs: 0 });
    expect(mail.from).toBe(`"Acme" <auth@acme.test>`);
    expect(mail.links).toEqual([link]);
  });

  it("inside a request, hands the delivery to after() and answers at once", async () => {
    const tasks: Array<() => Promise<void>> = [];
    vi.doMock("next/server", () => ({ after: (task: () => Promise<void>) => void tasks.push(task) }));
    try {
      const { sendMail, passwordChangedMessage } = await loadMail({ NODE_ENV: "production", SMTP_URL: mailbox.url });
      const since = Date.now();
      await sendMail(passwordChangedMessage("after@example.test"));
      expect(tasks).toHaveLength(1);
      await expect(waitForMail("after@example.test", { dir, since, timeoutMs: 0 })).rejects.toThrow(/No mail/);
      // What Next runs once the answer has gone out.
      await tasks[0]!();
      expect((await waitForMail("after@example.test", { dir, since, timeoutMs: 0 })).subject).toMatch(/password was changed/);
    } finally {
      vi.doUnmock("next/server");
    }
  });

  it("resolves and logs one line without the link when SMTP fails", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { sendMail, passwordResetMessage } = await loadMail({ NODE_ENV: "production", SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    await expect(sendMail(passwordResetMessage("down@example.test", "https://acme.test/reset-password?token=s3cr3t"))).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    const line = String(error.mock.calls[0]![0]);
    expect(line).toMatch(/^mail: "password-reset" was not sent \(ESOCKET\): connect ECONNREFUSED/);
    expect(line).not.toContain("s3cr3t");
    expect(line).not.toContain("down@example.test");
  });

  it("in production without SMTP_URL stores and sends nothing, silently", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const { sendMail, passwordChangedMessage } = await loadMail({ NODE_ENV: "production", SMTP_URL: "" });
    await expect(sendMail(passwordChangedMessage("off@example.test"))).resolves.toBeUndefined();
    expect(error).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
  });

  it("never throws, even on a bad environment", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { sendMail, passwordChangedMessage } = await loadMail({ NODE_ENV: "production", SESSION_SECRET: "short" });
    await expect(sendMail(passwordChangedMessage("bad-env@example.test"))).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
  });
});
