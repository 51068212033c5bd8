// The password hasher's own thread (lib/auth/password.ts): bcryptjs is pure JavaScript, and on the
// main thread each hash holds the event loop in slices of up to 100 ms. Here it holds nothing but
// this thread. Self-contained on purpose: it is loaded by URL, outside the app's module graph.
import { parentPort } from "node:worker_threads";
import bcrypt from "bcryptjs";

export type HashWork = { op: "hash"; password: string; cost: number } | { op: "compare"; password: string; hash: string };
export type HashJob = HashWork & { id: number };

export type HashAnswer = { id: number; ok: true; result: string | boolean } | { id: number; ok: false; error: string };

parentPort?.on("message", (job: HashJob) => {
  let answer: HashAnswer;
  try {
    const result = job.op === "hash" ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    answer = { id: job.id, ok: true, result };
  } catch (error) {
    answer = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(answer);
});
