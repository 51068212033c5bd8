import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import { extractLinks } from "@/lib/mail/links";
import { TEST_ENV } from "./test-env";

// A real SMTP server in the test process (SPEC §1, §7): the app sends over the wire with
// nodemailer, exactly as in production, and each message lands as a JSON file in one directory.
// Playwright workers share nothing with global-setup but the filesystem, so they read the
// directory named by CLOAKROOM_TEST_MAIL_DIR (TEST_ENV.mailDir).

export type ReceivedMail = {
  /** When the mailbox received it (ms since the epoch); `since` filters on this. */
  receivedAt: number;
  /** The Date header, as sent. */
  date: string | null;
  from: string;
  /** Header recipients, lower-cased. */
  to: string[];
  envelope: { from: string | null; to: string[] };
  subject: string;
  text: string;
  html: string;
  /** Every http(s) link of the text part, in order. */
  links: string[];
  headers: Record<string, string>;
};

export type Mailbox = { url: string; dir: string; stop: () => Promise<void> };

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => entry.address?.toLowerCase() ?? "").filter(Boolean));
}

/** Starts an SMTP server on 127.0.0.1 (random port, no auth, no TLS) that files every message into `dir`. */
export async function startMailbox(dir: string): Promise<Mailbox> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    secure: false,
    // No STARTTLS on offer, so nodemailer's smtp:// stays plain instead of upgrading.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const receivedAt = Date.now();
          const text = parsed.text ?? "";
          const mail: ReceivedMail = {
            receivedAt,
            date: parsed.date?.toISOString() ?? null,
            from: parsed.from?.text ?? "",
            to: addresses(parsed.to),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            },
            subject: parsed.subject ?? "",
            text,
            html: typeof parsed.html === "string" ? parsed.html : "",
            links: extractLinks(text),
            headers: Object.fromEntries([...parsed.headers].map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)])),
          };
          // Named by arrival time, and written aside then renamed, so readers never see half a file.
          const file = path.join(dir, `${receivedAt}-${randomBytes(4).toString("hex")}.json`);
          await writeFile(`${file}.tmp`, JSON.stringify(mail, null, 2));
          await rename(`${file}.tmp`, file);
        })
        .then(() => callback(), (error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function mailDir(dir?: string): string {
  const value = dir ?? process.env[TEST_ENV.mailDir];
  if (!value) throw new Error(`${TEST_ENV.mailDir} is unset: run the suite through playwright.config.ts (global-setup starts the mailbox).`);
  return value;
}

type Filter = { subject?: RegExp; since?: number; dir?: string };

/** Every message for `to` (and matching the filter), newest first. */
export async function mailFor(to: string, { subject, since = 0, dir }: Filter = {}): Promise<ReceivedMail[]> {
  const folder = mailDir(dir);
  const address = to.toLowerCase();
  const names = (await readdir(folder)).filter((name) => name.endsWith(".json") && Number(name.split("-")[0]) >= since);
  const mails = await Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(folder, name), "utf8")) as ReceivedMail));
  return mails
    .filter((mail) => mail.receivedAt >= since && (mail.to.includes(address) || mail.envelope.to.includes(address)))
    .filter((mail) => !subject || subject.test(mail.subject))
    .sort((a, b) => b.receivedAt - a.receivedAt);
}

/** The newest message for `to`, waiting for it up to `timeoutMs` (10 s). */
export async function waitForMail(to: string, options: Filter & { timeoutMs?: number } = {}): Promise<ReceivedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const [newest] = await mailFor(to, options);
    if (newest) return newest;
    if (Date.now() >= deadline) {
      const any = await mailFor(to, { dir: options.dir });
      const seen = any.length ? `; it has: ${any.map((mail) => JSON.stringify(mail.subject)).join(", ")}` : "";
      throw new Error(`No mail for ${to}${options.subject ? ` matching ${options.subject}` : ""} within ${options.timeoutMs ?? 10_000} ms${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first absolute link in the mail whose pathname is `pathname`. */
export function linkIn(mail: ReceivedMail, pathname: string): string {
  const link = mail.links.find((candidate) => URL.canParse(candidate) && new URL(candidate).pathname === pathname);
  if (!link) throw new Error(`No link to ${pathname} in "${mail.subject}"; its links: ${mail.links.join(", ") || "none"}`);
  return link;
}

/** Asserts that nothing (matching the filter) reaches `to` from `since` until `waitMs` (1 s) from now. */
export async function noMailFor(to: string, options: Filter & { since: number; waitMs?: number }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? 1000));
  const mails = await mailFor(to, options);
  if (mails.length) throw new Error(`Expected no mail for ${to}, got: ${mails.map((mail) => JSON.stringify(mail.subject)).join(", ")}`);
}
