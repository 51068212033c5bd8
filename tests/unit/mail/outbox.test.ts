import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { passwordChangedMessage, verifyEmailMessage } from "@/lib/mail/messages";
import { listOutbox, readOutboxMessage } from "@/lib/mail/outbox";
import { createMailer } from "@/lib/mail/transport";

const FROM = "Cloakroom <no-reply@localhost>";
const LINK = "http://localhost:3000/verify-email?token=abc123";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "cloakroom-outbox-"));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe("the development outbox", () => {
  it("stores each message as a JSON file with an id, time, both parts and its links", async () => {
    vi.spyOn(console, "info").mockImplementation(() => {});
    await createMailer({ kind: "outbox", dir, from: FROM, print: false }).send(verifyEmailMessage("ada@example.com", LINK));
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{13}-[0-9a-f]{8}\.json$/);
    const stored = JSON.parse(readFileSync(path.join(dir, files[0]!), "utf8"));
    expect(stored).toMatchObject({ kind: "verify-email", from: FROM, to: "ada@example.com", links: [LINK] });
    expect(stored.id).toBe(files[0]!.replace(".json", ""));
    expect(Date.parse(stored.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(stored.text).toContain(LINK);
    expect(stored.html).toContain(LINK);
  });

  it("prints the recipient, subject and links to the console (development only, SPEC §7)", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    await createMailer({ kind: "outbox", dir, from: FROM, print: true }).send(verifyEmailMessage("ada@example.com", LINK));
    expect(info).toHaveBeenCalledTimes(1);
    const line = String(info.mock.calls[0]![0]);
    expect(line).toContain("ada@example.com");
    expect(line).toContain(LINK);
    expect(line).toMatch(/\/dev\/mail\/\d{13}-[0-9a-f]{8}/);
  });

  it("lists newest first, and reads one message back by id", async () => {
    const mailer = createMailer({ kind: "outbox", dir, from: FROM, print: false });
    await mailer.send(verifyEmailMessage("first@example.com", LINK));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mailer.send(passwordChangedMessage("second@example.com"));
    const listed = await listOutbox(dir);
    expect(listed.map((m) => m.to)).toEqual(["second@example.com", "first@example.com"]);
    expect(Object.keys(listed[0]!).sort()).toEqual(["createdAt", "id", "subject", "to"]);
    const message = await readOutboxMessage(listed[1]!.id, dir);
    expect(message).toMatchObject({ to: "first@example.com", kind: "verify-email", links: [LINK] });
  });

  it("lists nothing for a missing directory and skips files that are not messages", async () => {
    expect(await listOutbox(path.join(dir, "missing"))).toEqual([]);
    writeFileSync(path.join(dir, "notes.json"), "{}");
    writeFileSync(path.join(dir, "1700000000000-deadbeef.json"), "{not json");
    writeFileSync(path.join(dir, "1700000000001-deadbeef.json"), JSON.stringify({ id: "1700000000001-deadbeef" }));
    expect(await listOutbox(dir)).toEqual([]);
  });

  it.each(["../secret", "..%2Fsecret", "1700000000000-deadbeef/../../x", "/etc/passwd", "", "1700000000000-DEADBEEF"])(
    "reads nothing for the id %j",
    async (id) => {
      expect(await readOutboxMessage(id, dir)).toBeNull();
    },
  );

  it("a failure to write is logged as one line and does not throw", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const file = path.join(dir, "a-file");
    writeFileSync(file, "");
    await expect(createMailer({ kind: "outbox", dir: path.join(file, "outbox"), from: FROM, print: false }).send(verifyEmailMessage("a@example.com", LINK))).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![0])).not.toContain("abc123");
  });
});
