import { tmpdir } from "node:os";
import path from "node:path";
import { createTransport } from "nodemailer";
import type { Env } from "@/lib/env";
import { OUTBOX_DIR, writeOutboxMessage } from "./outbox";
import type { MailMessage } from "./types";

// The transport is chosen once from the environment (SPEC §7): SMTP_URL → SMTP; unset outside
// production → the development outbox; unset in production → off (callers answer 503 first).

/**
 * A slow or silent SMTP server must never hang anything (nodemailer's defaults are 2 minutes to
 * connect and 10 minutes of socket silence). Query parameters of SMTP_URL override these.
 */
export const SMTP_TIMEOUT_MS = 5_000;

export type MailerConfig =
  | { kind: "smtp"; url: string; from: string; timeoutMs?: number }
  | { kind: "outbox"; dir: string; from: string; print: boolean }
  | { kind: "off" };

export type Mailer = {
  kind: MailerConfig["kind"];
  /** Delivers or stores the message. Never rejects: a failure is logged as one line. */
  send(message: MailMessage): Promise<void>;
};

export function mailerConfigFromEnv(env: Pick<Env, "smtpUrl" | "mailFrom" | "isProduction"> & { isTest?: boolean }): MailerConfig {
  if (env.smtpUrl) return { kind: "smtp", url: env.smtpUrl, from: env.mailFrom };
  if (env.isProduction) return { kind: "off" };
  // Unit tests (NODE_ENV=test) that send in passing keep the developer's outbox clean.
  if (env.isTest) return { kind: "outbox", dir: path.join(tmpdir(), "cloakroom-test-outbox"), from: env.mailFrom, print: false };
  return { kind: "outbox", dir: OUTBOX_DIR, from: env.mailFrom, print: true };
}

/** Why a send failed, without the message: its kind, the error's code and first line, links cut out. */
export function describeFailure(message: MailMessage, error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
  const detail = (error instanceof Error ? error.message : String(error))
    .split("\n")[0]!
    .replace(/https?:\/\/\S+/g, "[link]")
    .slice(0, 200);
  return `mail: "${message.kind}" was not sent (${code ?? "error"}): ${detail}`;
}

function safely(deliver: (message: MailMessage) => Promise<void>): Mailer["send"] {
  return async (message) => {
    try {
      await deliver(message);
    } catch (error) {
      console.error(describeFailure(message, error));
    }
  };
}

function smtpMailer(config: Extract<MailerConfig, { kind: "smtp" }>): Mailer {
  const timeoutMs = config.timeoutMs ?? SMTP_TIMEOUT_MS;
  const transport = createTransport(
    {
      url: config.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs * 2,
      dnsTimeout: timeoutMs,
      // Messages are built from strings only; never let a field make nodemailer read a file or URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    { from: config.from },
  );
  // The socket timeouts bound each wait; this bounds the whole exchange, so a server that
  // trickles bytes cannot hold the caller (or a serverless function kept alive by after()).
  const deadlineMs = timeoutMs * 4;
  return {
    kind: "smtp",
    send: safely(async ({ to, subject, text, html }) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${deadlineMs} ms`), { code: "ETIMEDOUT" })), deadlineMs);
      });
      try {
        // RFC 3834: automated mail, so out-of-office replies are not sent back to MAIL_FROM.
        await Promise.race([transport.sendMail({ to, subject, text, html, headers: { "Auto-Submitted": "auto-generated" } }), deadline]);
      } finally {
        clearTimeout(timer);
      }
    }),
  };
}

function outboxMailer(config: Extract<MailerConfig, { kind: "outbox" }>): Mailer {
  return {
    kind: "outbox",
    send: safely(async (message) => {
      const stored = await writeOutboxMessage(config.dir, config.from, message);
      if (!config.print) return;
      // Development only (SPEC §7): the one place a mail's links are logged.
      const links = stored.links.map((link) => `\n  ${link}`).join("");
      console.info(`mail (development outbox) to ${stored.to}: ${stored.subject}${links}\n  read it at /dev/mail/${stored.id}`);
    }),
  };
}

export function createMailer(config: MailerConfig): Mailer {
  if (config.kind === "smtp") return smtpMailer(config);
  if (config.kind === "outbox") return outboxMailer(config);
  // Production without SMTP_URL: nothing is stored or sent; instrumentation-node.ts warned once.
  return { kind: "off", send: async () => {} };
}
