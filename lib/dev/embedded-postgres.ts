import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

// PGlite (Postgres compiled to WebAssembly) served over the Postgres wire protocol, so the app,
// the Prisma CLI and the tests talk to it exactly as to a real server. Development and tests
// only: nothing in the app imports this file.

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

const EMBEDDED_DATA_DIR = ".data/pglite";
const RUNNING_FILE = ".data/embedded.json";

type QueueItem = {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
  onData: (data: Uint8Array) => void;
};
type QueryQueue = {
  db: PGlite;
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue: () => Promise<void>;
  clearQueueForHandler: (handlerId: number) => void;
};

// Extended-protocol messages that continue a sequence; Sync ("S"), a simple Query ("Q"),
// Terminate and the startup packet end one. Parse P, Bind B, Describe D, Execute E, Close C, Flush H.
const SEQUENCE_STEPS = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

/**
 * pglite-socket 0.2.17 runs the queued messages of all connections one by one, keeping a
 * connection to itself only while a transaction is open. PGlite has a single unnamed statement
 * and portal, so another connection's messages (or a transaction's start) between one
 * connection's Parse, Bind and Execute made queries fail ("portal does not exist") or return
 * rows bound for someone else. Here a connection that has begun such a sequence also keeps
 * PGlite until its Sync. Reaches into the library's queue: the version is pinned exactly, and a
 * change of its internals fails loudly (and tests/unit/dev/embedded-concurrency.test.ts fails).
 */
function keepProtocolSequencesWhole(server: PGLiteSocketServer) {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== "function" || typeof queue.clearQueueForHandler !== "function") {
    throw new Error("pglite-socket internals changed: review keepProtocolSequencesWhole() in lib/dev/embedded-postgres.ts");
  }
  let sequenceOwner: number | null = null;

  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = sequenceOwner ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) break; // the owner's next message has not arrived yet; its enqueue resumes us
        const [item] = this.queue.splice(index, 1) as [QueueItem];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          sequenceOwner = null;
          item.reject(error);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        sequenceOwner = SEQUENCE_STEPS.has(item.message[0]!) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId) => {
    clear(handlerId);
    // A connection that dropped mid-sequence must not hold PGlite for ever.
    if (sequenceOwner === handlerId) sequenceOwner = null;
    void queue.processQueue();
  };
}

/**
 * Starts a server on a free loopback port; in memory unless `dataDir` is given. `timeZone` sets
 * the session TimeZone every connection sees (tests run in non-UTC zones).
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; maxConnections?: number; timeZone?: string } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // PGlite is one backend session shared by every socket connection, so ALTER DATABASE … SET
  // (read when a backend starts) never applies; a session-level SET reaches them all.
  if (options.timeZone) await db.query("SELECT set_config('TimeZone', $1, false)", [options.timeZone]);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: options.maxConnections ?? 32 });
  keepProtocolSequencesWhole(server);
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
