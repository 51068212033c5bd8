import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

const COST = 10;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hashPassword / verifyPassword", () => {
  it("hashes with bcrypt at the configured cost and verifies", async () => {
    const hash = await hashPassword("correct horse battery", COST);
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(await verifyPassword("correct horse battery", hash, COST)).toBe(true);
    expect(await verifyPassword("wrong horse battery", hash, COST)).toBe(false);
  });

  it("honours a higher cost", async () => {
    expect(await hashPassword("correct horse battery", 11)).toMatch(/^\$2[aby]\$11\$/);
  });

  it("does a full bcrypt compare for an unknown account, at the configured cost", async () => {
    await verifyPassword("warm-up", null, COST); // the dummy hash itself is made once
    // Hashes run on the hasher's thread: what it is sent is what it compares.
    const sent = vi.spyOn(Worker.prototype, "postMessage");
    expect(await verifyPassword("whatever-password", null, COST)).toBe(false);
    expect(sent).toHaveBeenCalledTimes(1);
    expect(sent.mock.calls[0]![0]).toMatchObject({ op: "compare", password: "whatever-password", hash: expect.stringMatching(/^\$2[aby]\$10\$/) });
  });

  it("hashes off the main thread, where bcryptjs would hold the event loop (issue 10)", async () => {
    const mainThread = [vi.spyOn(bcrypt, "hash"), vi.spyOn(bcrypt, "compare")];
    const hash = await hashPassword("correct horse battery", COST);
    expect(await verifyPassword("correct horse battery", hash, COST)).toBe(true);
    for (const spy of mainThread) expect(spy).not.toHaveBeenCalled();
  });

  it("refuses input past 72 bytes even when bcrypt would match its prefix", async () => {
    const password = "x".repeat(72);
    const hash = await hashPassword(password, COST);
    expect(await bcrypt.compare(`${password}extra`, hash)).toBe(true);
    expect(await verifyPassword(`${password}extra`, hash, COST)).toBe(false);
    expect(await verifyPassword(password, hash, COST)).toBe(true);
  });

  // Last in the file: from here on this process hashes on the main thread.
  it("a worker that stops mid-job costs no answer: its jobs run again on the main thread", async () => {
    const hashing = (globalThis as { cloakroomHashing?: { worker?: Worker | null } }).cloakroomHashing;
    const worker = hashing?.worker;
    if (!worker) throw new Error("expected the worker from the tests above");
    const inFlight = hashPassword("correct horse battery", COST);
    await worker.terminate();
    const hash = await inFlight;
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(hashing.worker).toBeNull();
    expect(await verifyPassword("correct horse battery", hash, COST)).toBe(true);
  });
});
