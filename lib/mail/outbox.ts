import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { extractLinks } from "./links";
import type { MailMessage } from "./types";

// The development outbox (SPEC §7): with SMTP_URL unset outside production, each message is a
// JSON file here, listed at /dev/mail. Production never writes or reads it.

/**
 * Relative to the working directory, which is the project root under `next dev` and `npm run dev`.
 * The file calls below carry turbopackIgnore: a path known only at run time would otherwise make
 * `next build` trace (and deploy) the whole project, for a folder production never uses.
 */
export const OUTBOX_DIR = ".data/outbox";

// Time first, so names sort by age; the random part keeps two messages of one millisecond apart.
// The page takes ids from its URL: this pattern is all it accepts (no "/", no "..").
export const OutboxIdSchema = z.string().regex(/^\d{13}-[0-9a-f]{8}$/);

const OutboxMessageSchema = z.object({
  id: OutboxIdSchema,
  createdAt: z.iso.datetime(),
  kind: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  links: z.array(z.string()),
});

export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;
export type OutboxSummary = Pick<OutboxMessage, "id" | "createdAt" | "to" | "subject">;

/** Whether /dev/mail exists: never in production, where the pages answer 404 before reading. */
export function devOutboxAvailable(): boolean {
  return !getEnv().isProduction;
}

/** Whether new mail lands here (SMTP_URL unset) rather than on an SMTP server. */
export function devOutboxReceivesMail(): boolean {
  const env = getEnv();
  return !env.isProduction && env.smtpUrl === undefined;
}

export async function writeOutboxMessage(dir: string, from: string, message: MailMessage): Promise<OutboxMessage> {
  const now = new Date();
  const id = `${now.getTime()}-${randomBytes(4).toString("hex")}`;
  const stored: OutboxMessage = { id, createdAt: now.toISOString(), from, ...message, links: extractLinks(message.text) };
  await mkdir(/*turbopackIgnore: true*/ dir, { recursive: true });
  // Written aside and renamed, so a listing never reads half a file.
  const file = path.join(dir, `${id}.json`);
  await writeFile(/*turbopackIgnore: true*/ `${file}.tmp`, JSON.stringify(stored, null, 2));
  await rename(/*turbopackIgnore: true*/ `${file}.tmp`, file);
  return stored;
}

async function readMessage(dir: string, id: string): Promise<OutboxMessage | null> {
  try {
    const parsed = OutboxMessageSchema.safeParse(JSON.parse(await readFile(/*turbopackIgnore: true*/ path.join(dir, `${id}.json`), "utf8")));
    return parsed.success && parsed.data.id === id ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The newest `limit` messages, newest first. */
export async function listOutbox(dir: string = OUTBOX_DIR, limit = 100): Promise<OutboxSummary[]> {
  let names: string[];
  try {
    names = await readdir(/*turbopackIgnore: true*/ dir);
  } catch {
    return [];
  }
  const ids = names
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .filter((id) => OutboxIdSchema.safeParse(id).success)
    .sort()
    .reverse()
    .slice(0, limit);
  const messages = await Promise.all(ids.map((id) => readMessage(dir, id)));
  return messages.filter((m) => m !== null).map(({ id, createdAt, to, subject }) => ({ id, createdAt, to, subject }));
}

/** One message by id; null for a malformed id (never touches the disk then) or a missing file. */
export async function readOutboxMessage(id: string, dir: string = OUTBOX_DIR): Promise<OutboxMessage | null> {
  if (!OutboxIdSchema.safeParse(id).success) return null;
  return readMessage(dir, id);
}
