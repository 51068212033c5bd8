import { randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { unsealData } from "iron-session";
import { AUTH_HEADERS, deriveProofKey, readVerifiedClaims, signProof, verifyProof } from "@/lib/auth/proof";
import type { Db } from "@/lib/db";
import { createSessionCache } from "@/lib/session/cache";
import { connectRedis } from "@/lib/redis";
import { createDatabaseStore } from "@/lib/session/database";
import { createRedisStore } from "@/lib/session/redis";
import { createSealedCookieStore, passwordId } from "@/lib/session/sealed-cookie";
import { generateToken, hashToken } from "@/lib/token";

export type MicroResult = { name: string; opsPerSecond: number; microsecondsPerOp: number; iterations: number };

/** Runs `fn` back to back for about `budgetMs` after a short warm-up; sequential, like one request. */
async function measure(name: string, fn: () => unknown, budgetMs: number): Promise<MicroResult> {
  const warmUntil = performance.now() + budgetMs / 5;
  while (performance.now() < warmUntil) await fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  // Check the clock every few calls only: reading it is not free next to a 1 µs operation.
  while (elapsed < budgetMs || iterations < 3) {
    for (let i = 0; i < 16; i++) await fn();
    iterations += 16;
    elapsed = performance.now() - start;
    if (elapsed > budgetMs && iterations >= 3) break;
  }
  return { name, opsPerSecond: (iterations / elapsed) * 1000, microsecondsPerOp: (elapsed * 1000) / iterations, iterations };
}

export type MicroContext = {
  db: Db;
  secret: string;
  bcryptCost: number;
  /** A user row to hang sessions on. */
  userId: string;
  /** The redis strategy's pieces are timed when given. */
  redisUrl?: string;
  budgetMs: number;
};

/** The pieces of one authenticated request, each timed on its own in this process. */
export async function runMicroBenchmarks(context: MicroContext): Promise<MicroResult[]> {
  const { db, secret, budgetMs } = context;
  const results: MicroResult[] = [];
  const lifetimes = { db: () => db, idleTimeoutSeconds: 7 * 86_400, maxAgeSeconds: 30 * 86_400 };

  results.push(await measure("token generate + SHA-256", () => hashToken(generateToken()), budgetMs));

  const key = deriveProofKey(secret);
  const claims = { userId: context.userId, role: "user", sessionId: randomBytes(16).toString("base64url") };
  const headers = new Headers({
    [AUTH_HEADERS.userId]: claims.userId,
    [AUTH_HEADERS.role]: claims.role,
    [AUTH_HEADERS.sessionId]: claims.sessionId,
    [AUTH_HEADERS.proof]: signProof(claims, key),
  });
  let n = 0;
  results.push(
    await measure(
      "HMAC proof sign + verify, first time",
      () => {
        const fresh = { ...claims, sessionId: `s${n++}` };
        return verifyProof(fresh, signProof(fresh, key), key);
      },
      budgetMs,
    ),
  );
  results.push(await measure("HMAC proof sign (memoised)", () => signProof(claims, key), budgetMs));
  results.push(await measure("HMAC proof verify from headers (memoised)", () => readVerifiedClaims(headers, key), budgetMs));

  // The bench user signed up moments ago; nothing has ended its sessions since.
  const subject = { id: context.userId, role: "user" as const, generation: 0 };
  const meta = { userAgent: "bench", ip: null };
  const persistent = { persistent: true };
  const cookieStore = createSealedCookieStore({ ...lifetimes, secrets: [secret] });
  results.push(await measure("cookie new session (seal + generation read)", () => cookieStore.createSession(subject, meta, persistent), budgetMs));
  const { cookieValue: sealed, session: sealedSession } = (await cookieStore.createSession(subject, meta, persistent))!;
  const passwords = { [passwordId(secret)]: secret };
  results.push(await measure("iron-session unseal (first sight of a cookie)", () => unsealData(sealed, { password: passwords }), budgetMs));
  results.push(await measure("cookie validate (unseal memoised)", () => cookieStore.validateSession(sealed), budgetMs));
  const sealedClaims = { userId: context.userId, sessionId: sealedSession.id };
  results.push(await measure("cookie user + revocation query (no cache)", () => cookieStore.loadCurrent(sealedClaims, sealed), budgetMs));
  const cachedCookieStore = createSealedCookieStore({ ...lifetimes, secrets: [secret], cache: createSessionCache({ db: () => db }) });
  results.push(await measure("cookie user + revocation (cached)", () => cachedCookieStore.loadCurrent(sealedClaims, sealed), budgetMs));

  const databaseStore = createDatabaseStore({ ...lifetimes, maxSessionsPerUser: 10 });
  const { cookieValue: token } = (await databaseStore.createSession(subject, meta, persistent))!;
  results.push(await measure("database session lookup query (no cache)", () => databaseStore.validateSession(token), budgetMs));
  const cachedDatabaseStore = createDatabaseStore({ ...lifetimes, maxSessionsPerUser: 10, cache: createSessionCache({ db: () => db }) });
  results.push(await measure("database session validate (cached)", () => cachedDatabaseStore.validateSession(token), budgetMs));

  if (context.redisUrl) {
    const redis = connectRedis(context.redisUrl, { label: "bench" });
    // A user of its own: ending its sessions afterwards moves only its generation, not the
    // generation of the user whose cookie the load test uses.
    const own = await db.user.create({ data: { email: `bench-micro-${randomBytes(4).toString("hex")}@cloakroom.test`, passwordHash: "x" } });
    const ownSubject = { id: own.id, role: "user" as const, generation: own.sessionGeneration };
    try {
      // A prefix of its own: the bench's sessions never mix with an app's.
      const redisOptions = { ...lifetimes, maxSessionsPerUser: 10, redis: () => redis, prefix: `bench:${randomBytes(4).toString("hex")}:` };
      const redisStore = createRedisStore(redisOptions);
      results.push(await measure("redis new session (Lua create-with-cap + generation read)", () => redisStore.createSession(ownSubject, meta, persistent), budgetMs));
      const { cookieValue: redisCookie, session: redisSession } = (await redisStore.createSession(ownSubject, meta, persistent))!;
      results.push(await measure("redis session validate (one round trip)", () => redisStore.validateSession(redisCookie), budgetMs));
      const redisClaims = { userId: own.id, sessionId: redisSession.id };
      results.push(await measure("redis session + user query (no cache)", () => redisStore.loadCurrent(redisClaims, redisCookie), budgetMs));
      const cachedRedisStore = createRedisStore({ ...redisOptions, cache: createSessionCache({ db: () => db }) });
      results.push(await measure("redis session + user (user cached)", () => cachedRedisStore.loadCurrent(redisClaims, redisCookie), budgetMs));
      await redisStore.invalidateUserSessions(own.id);
    } finally {
      await redis.close();
      await db.user.delete({ where: { id: own.id } });
    }
  }

  const password = randomBytes(12).toString("base64url");
  const hash = await bcrypt.hash(password, context.bcryptCost);
  results.push(await measure(`bcrypt verify (cost ${context.bcryptCost})`, () => bcrypt.compare(password, hash), budgetMs));
  return results;
}
