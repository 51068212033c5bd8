import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

// PGlite (Postgres compiled to WebAssembly) served over the Postgres wire protocol, so the app,
// the Prisma CLI and the tests talk to it exactly as to a real server. Development and tests
// only: nothing in the app imports this file.

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

export const EMBEDDED_DATA_DIR = ".data/pglite";
const RUNNING_FILE = ".data/embedded.json";

/** Starts a server on a free loopback port; in memory unless `dataDir` is given. */
export async function startEmbeddedPostgres(options: { dataDir?: string; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: options.maxConnections ?? 32 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

type Running = { pid: number; url: string };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The persistent development database lives in one process at a time (two PGlite instances on
 * one directory would corrupt it). The process that owns it records its URL here, so that
 * `npm run db:*` can reuse it while `npm run dev` runs.
 */
export function runningEmbeddedUrl(root: string): string | undefined {
  const file = path.join(root, RUNNING_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const running = JSON.parse(readFileSync(file, "utf8")) as Running;
    return isAlive(running.pid) ? running.url : undefined;
  } catch {
    return undefined;
  }
}

export async function startDevelopmentDatabase(root: string): Promise<EmbeddedPostgres> {
  const embedded = await startEmbeddedPostgres({ dataDir: path.join(root, EMBEDDED_DATA_DIR) });
  const file = path.join(root, RUNNING_FILE);
  writeFileSync(file, JSON.stringify({ pid: process.pid, url: embedded.url } satisfies Running));
  return {
    url: embedded.url,
    stop: async () => {
      rmSync(file, { force: true });
      await embedded.stop();
    },
  };
}
