import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMailer } from "@/lib/mail/transport";
import { passwordResetMessage, verifyEmailMessage } from "@/lib/mail/messages";
import { startMailbox, waitForMail, type Mailbox } from "../../support/mailbox";
import { freePort } from "../../support/server";

// Over a real SMTP server (tests/support/mailbox.ts), never a mock: what arrives is what a mail
// client would read, parsed by mailparser.

const TOKEN = "tok_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
const LINK = `http://127.0.0.1:3000/reset-password?token=${TOKEN}`;
const FROM = "Cloakroom Tests <no-reply@cloakroom.test>";

let dir: string;
let mailbox: Mailbox;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "cloakroom-mail-unit-"));
  mailbox = await startMailbox(dir);
});

afterAll(async () => {
  await mailbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function listen(server: Server | SMTPServer): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const net = server instanceof SMTPServer ? server.server : server;
      const address = net.address();
      resolve(`smtp://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    });
  });
}

/** One line, naming the kind, and nothing of the message's body, link or token. */
function expectOneSafeLine(spy: ReturnType<typeof vi.spyOn>, kind: string) {
  expect(spy).toHaveBeenCalledTimes(1);
  const line = spy.mock.calls[0]!.map(String).join(" ");
  expect(line).toContain(`"${kind}"`);
  expect(line).not.toContain(TOKEN);
  expect(line).not.toMatch(/https?:\/\//);
  expect(line).not.toContain("\n");
  return line;
}

describe("the SMTP mailer", () => {
  it("delivers a message that arrives, parsed, with MAIL_FROM, both parts and the link", async () => {
    const to = "smtp-arrives@example.test";
    const since = Date.now();
    await createMailer({ kind: "smtp", url: mailbox.url, from: FROM }).send(passwordResetMessage(to, LINK));
    const mail = await waitForMail(to, { dir, since, timeoutMs: 2000 });
    expect(mail.from).toBe(`"Cloakroom Tests" <no-reply@cloakroom.test>`);
    expect(mail.to).toEqual([to]);
    expect(mail.subject).toMatch(/Reset your/);
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(LINK);
    expect(mail.links).toEqual([LINK]);
    expect(mail.headers["auto-submitted"]).toBe("auto-generated");
  });

  it("resolves and logs one line, without the link or token, when nothing listens", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const url = `smtp://127.0.0.1:${await freePort()}`;
    await expect(createMailer({ kind: "smtp", url, from: FROM }).send(passwordResetMessage("refused@example.test", LINK))).resolves.toBeUndefined();
    expect(expectOneSafeLine(error, "password-reset")).toMatch(/ECONNREFUSED/);
  });

  it("resolves and logs one line when the server rejects the recipient", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const rejecting = new SMTPServer({
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error("5.1.1 mailbox unavailable"), { responseCode: 550 }));
      },
    });
    const url = await listen(rejecting);
    try {
      await createMailer({ kind: "smtp", url, from: FROM }).send(verifyEmailMessage("rejected@example.test", LINK));
      expect(expectOneSafeLine(error, "verify-email")).toMatch(/550/);
    } finally {
      await new Promise<void>((resolve) => rejecting.close(() => resolve()));
    }
  });

  it.each([
    ["accepts the connection and never answers", () => {}],
    ["greets, then goes silent", (socket: Socket) => socket.write("220 slow.test ESMTP\r\n")],
  ])("gives up within its timeout on a server that %s", async (_, onConnection) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      onConnection(socket);
    });
    const url = await listen(silent);
    const timeoutMs = 300;
    try {
      const started = performance.now();
      await createMailer({ kind: "smtp", url, from: FROM, timeoutMs }).send(passwordResetMessage("slow@example.test", LINK));
      const elapsed = performance.now() - started;
      // Each wait is bounded by timeoutMs (the socket by twice that); the whole by 4 ×.
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(elapsed).toBeLessThan(timeoutMs * 4 + 500);
      expectOneSafeLine(error, "password-reset");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
