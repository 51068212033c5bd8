import bcrypt from "bcryptjs";
import { PASSWORD_MAX_BYTES, utf8Length } from "@/lib/auth/schemas";

export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

const dummyHashes = new Map<number, Promise<string>>();

/** A real hash at the configured cost, so comparing against it takes as long as a real check. */
function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = bcrypt.hash("cloakroom-dummy-password", cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}

/**
 * Compares in constant work whether or not the account exists: an unknown email still costs a
 * full bcrypt compare, so timing does not reveal which emails are registered (ASVS 2.2.1).
 */
export async function verifyPassword(password: string, hash: string | null, cost: number): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash ?? (await dummyHash(cost)));
  // Past 72 bytes bcrypt compares a prefix; no stored password is that long, so refuse outright.
  return matches && hash !== null && utf8Length(password) <= PASSWORD_MAX_BYTES;
}

/** Warms the dummy hash at start-up so the first unknown-email login is not measurably slower. */
export function prepareDummyHash(cost: number): Promise<string> {
  return dummyHash(cost);
}
