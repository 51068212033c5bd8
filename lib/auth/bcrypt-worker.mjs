// The password hasher's own thread (lib/auth/password.ts): bcryptjs is pure JavaScript, and on the
// main thread each hash holds the event loop in slices of up to 100 ms. Here it holds only this
// thread. Plain JavaScript and self-contained: it is loaded by URL, outside the app's module
// graph, by Node versions that cannot strip TypeScript (SPEC §1 allows 22.13).
import { parentPort } from "node:worker_threads";
import bcrypt from "bcryptjs";

parentPort?.on("message", (job) => {
  let answer;
  try {
    const result = job.op === "hash" ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    answer = { id: job.id, ok: true, result };
  } catch (error) {
    answer = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(answer);
});
