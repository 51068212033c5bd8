import { Worker } from "node:worker_threads";
import bcrypt from "bcryptjs";
import { PASSWORD_MAX_BYTES, utf8Length } from "@/lib/auth/schemas";

// bcryptjs is pure JavaScript. On the main thread a hash holds the event loop in slices of up to
// 100 ms, so a burst of logins stalled every other request for seconds (issue 10). Hashes run on
// one worker thread per process instead, one at a time in arrival order (its message queue):
// concurrent hashing is bounded and never blocks request handling. Where no worker can be started,
// they run on the main thread, still one at a time.

// The messages to and from lib/auth/bcrypt-worker.mjs.
type HashWork = { op: "hash"; password: string; cost: number } | { op: "compare"; password: string; hash: string };
type HashJob = HashWork & { id: number };
type HashAnswer = { id: number; ok: true; result: string | boolean } | { id: number; ok: false; error: string };

type Pending = { work: HashWork; resolve: (value: string | boolean) => void; reject: (error: unknown) => void };
type Hashing = {
  worker: Worker | null | undefined;
  nextId: number;
  pending: Map<number, Pending>;
  // Main-thread fallback queue.
  running: boolean;
  waiting: Array<() => void>;
  dummyHashes: Map<number, Promise<string>>;
};

// One hasher (and one dummy hash) per process, whichever bundle loaded this module: the start-up
// warm-up (instrumentation) and the route handlers are separate bundles.
const globalForHashing = globalThis as typeof globalThis & { cloakroomHashing?: Hashing };
const state: Hashing = (globalForHashing.cloakroomHashing ??= {
  worker: undefined,
  nextId: 1,
  pending: new Map(),
  running: false,
  waiting: [],
  dummyHashes: new Map(),
});

function startWorker(): Worker | null {
  try {
    const worker = new Worker(new URL("./bcrypt-worker.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (answer: HashAnswer) => {
      const job = state.pending.get(answer.id);
      if (!job) return;
      state.pending.delete(answer.id);
      if (state.pending.size === 0) worker.unref();
      if (answer.ok) job.resolve(answer.result);
      else job.reject(new Error(answer.error));
    });
    const failOver = (why: unknown) => {
      if (state.worker !== worker) return;
      console.error("password hashing: the worker thread stopped; hashing on the main thread (one at a time) from now on", why);
      state.worker = null;
      // Pure computations: the jobs it still had are run again here, not failed.
      const orphans = [...state.pending.values()];
      state.pending.clear();
      for (const job of orphans) onMainThread(() => hashHere(job.work)).then(job.resolve, job.reject);
    };
    worker.on("error", failOver);
    worker.on("messageerror", failOver);
    worker.on("exit", (code) => failOver(`exit code ${code}`));
    return worker;
  } catch (error) {
    console.error("password hashing: no worker thread; hashing on the main thread (one at a time)", error);
    return null;
  }
}

function hashHere(work: HashWork): Promise<string | boolean> {
  return work.op === "hash" ? bcrypt.hash(work.password, work.cost) : bcrypt.compare(work.password, work.hash);
}

async function onMainThread<T>(work: () => Promise<T>): Promise<T> {
  if (state.running) await new Promise<void>((resolve) => state.waiting.push(resolve));
  else state.running = true;
  try {
    return await work();
  } finally {
    // Hand the turn straight to the next in line (first come, first served), or free it.
    const next = state.waiting.shift();
    if (next) next();
    else state.running = false;
  }
}

function run(work: HashWork): Promise<string | boolean> {
  if (state.worker === undefined) state.worker = startWorker();
  const worker = state.worker;
  if (!worker) return onMainThread(() => hashHere(work));
  const id = state.nextId++;
  return new Promise((resolve, reject) => {
    state.pending.set(id, { work, resolve, reject });
    // Held while jobs are out: an idle worker never keeps a script or test process alive.
    worker.ref();
    worker.postMessage({ ...work, id } satisfies HashJob);
  });
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  return String(await run({ op: "hash", password, cost }));
}

/** A real hash at the configured cost, so comparing against it takes as long as a real check. */
function dummyHash(cost: number): Promise<string> {
  let hash = state.dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword("cloakroom-dummy-password", cost);
    state.dummyHashes.set(cost, hash);
    // A failure is not remembered: the next unknown-email login makes it again.
    hash.catch(() => state.dummyHashes.delete(cost));
  }
  return hash;
}

/**
 * Compares in constant work whether or not the account exists: an unknown email still costs a
 * full bcrypt compare, so timing does not reveal which emails are registered (ASVS 2.2.1).
 */
export async function verifyPassword(password: string, hash: string | null, cost: number): Promise<boolean> {
  const against = hash ?? (await dummyHash(cost));
  const matches = (await run({ op: "compare", password, hash: against })) === true;
  // Past 72 bytes bcrypt compares a prefix; no stored password is that long, so refuse outright.
  return matches && hash !== null && utf8Length(password) <= PASSWORD_MAX_BYTES;
}

/** Warms the dummy hash at start-up so the first unknown-email login is not measurably slower. */
export function prepareDummyHash(cost: number): Promise<string> {
  return dummyHash(cost);
}
