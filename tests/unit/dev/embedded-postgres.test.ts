import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { runningEmbeddedUrl, startDevelopmentDatabase } from "@/lib/dev/embedded-postgres";

describe("the embedded development database", () => {
  it("persists under .data/, announces its URL while running, and cleans up on stop", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "cloakroom-embedded-"));
    const first = await startDevelopmentDatabase(root);
    try {
      expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres/);
      expect(runningEmbeddedUrl(root)).toBe(first.url);
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query("CREATE TABLE kept (value text)");
      await client.query("INSERT INTO kept VALUES ('still here')");
      await client.end();
    } finally {
      await first.stop();
    }
    expect(runningEmbeddedUrl(root)).toBeUndefined();
    expect(existsSync(path.join(root, ".data/embedded.json"))).toBe(false);

    const second = await startDevelopmentDatabase(root);
    try {
      const client = new pg.Client({ connectionString: second.url });
      await client.connect();
      expect((await client.query("SELECT value FROM kept")).rows).toEqual([{ value: "still here" }]);
      await client.end();
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("ignores a lock file left by a process that is gone", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "cloakroom-embedded-"));
    const db = await startDevelopmentDatabase(root);
    const file = path.join(root, ".data/embedded.json");
    const running = JSON.parse(readFileSync(file, "utf8"));
    expect(running.pid).toBe(process.pid);
    await db.stop();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 1, url: running.url }));
    expect(runningEmbeddedUrl(root)).toBeUndefined();
  }, 60_000);
});
