import bcrypt from "bcryptjs";
import { PASSWORD_MAX_BYTES, utf8Length } from "@/lib/auth/schemas";

// bcryptjs hashes on the main thread in slices of up to 100 ms. Run side by side, a burst of
// logins fills every turn of the event loop with slices and stalls every other request (issue
// 10: seconds for a session read). One at a time costs no throughput (a single thread does the
// work either way) and leaves at most one slice between other requests' turns.
const MAX_CONCURRENT_HASHES = 1;

// One queue (and one dummy hash) per process, whichever bundle loaded this module: the start-up
// warm-up (instrumentation) and the login route are separate bundles.
type Hashing = { running: number; waiting: Array<() => void>; dummyHashes: Map<number, Promise<string>> };
const globalForHashing = globalThis as typeof globalThis & { cloakroomHashing?: Hashing };
const queue: Hashing = (globalForHashing.cloakroomHashing ??= { running: 0, waiting: [], dummyHashes: new Map() });

async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (queue.running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => queue.waiting.push(resolve));
  else queue.running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line (first come, first served), or free it.
    const next = queue.waiting.shift();
    if (next) next();
    else queue.running--;
  }
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  return oneAtATime(() => bcrypt.hash(password, cost));
}

/** A real hash at the configured cost, so comparing against it takes as long as a real check. */
function dummyHash(cost: number): Promise<string> {
  let hash = queue.dummyHashes.get(cost);
  if (!hash) {
    hash = hashPassword("cloakroom-dummy-password", cost);
    queue.dummyHashes.set(cost, hash);
  }
  return hash;
}

/**
 * Compares in constant work whether or not the account exists: an unknown email still costs a
 * full bcrypt compare, so timing does not reveal which emails are registered (ASVS 2.2.1).
 */
export async function verifyPassword(password: string, hash: string | null, cost: number): Promise<boolean> {
  const against = hash ?? (await dummyHash(cost));
  const matches = await oneAtATime(() => bcrypt.compare(password, against));
  // Past 72 bytes bcrypt compares a prefix; no stored password is that long, so refuse outright.
  return matches && hash !== null && utf8Length(password) <= PASSWORD_MAX_BYTES;
}

/** Warms the dummy hash at start-up so the first unknown-email login is not measurably slower. */
export function prepareDummyHash(cost: number): Promise<string> {
  return dummyHash(cost);
}

