// What a failed database call means for the caller, read from the error's shape: Prisma's codes
// (https://www.prisma.io/docs/orm/reference/error-reference), the driver adapter's error kind
// (@prisma/adapter-pg maps PostgreSQL's and the socket's errors to one), and the pg pool's own
// errors, which reach us unwrapped. No import of the generated client: any copy of it, and
// errors wrapped in a `cause`, are recognised alike.

export type DatabaseProblem =
  /** The database answers, but a table or column the app needs is missing: not migrated. */
  | { kind: "schema-missing"; detail: string }
  /** The database cannot be reached, refused the connection, or is overloaded. */
  | { kind: "unreachable"; detail: string };

/** P2021 table / P2022 column does not exist; raw queries report P2010 with the adapter's kind. */
const SCHEMA_CODES = new Set(["P2021", "P2022"]);
const SCHEMA_KINDS = new Set(["TableDoesNotExist", "ColumnNotFound"]);
const SCHEMA_SQLSTATES = new Set(["42P01", "42703"]);

/** P1000 authentication, P1001 unreachable, P1002 timeout, P1003 no such database, P1008 timeout, P1010 access denied, P1011 TLS, P1017 connection closed, P2024 pool timeout. */
const UNREACHABLE_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1010", "P1011", "P1017", "P2024"]);
const UNREACHABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TlsConnectionError",
]);
const UNREACHABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
// pg's pool and client: "Connection terminated due to connection timeout", "… unexpectedly".
const PG_CONNECTION_LOST = /^Connection terminated\b|^timeout exceeded when trying to connect$/;

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; meta?: unknown; cause?: unknown };

function adapterCause(error: ErrorLike): { kind?: unknown; originalCode?: unknown } {
  const meta = error.meta as { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } | undefined;
  return meta?.driverAdapterError?.cause ?? {};
}

/** Prisma's message ends with the one line that says what happened; the lines above quote our code. */
function lastLine(error: ErrorLike): string {
  const message = typeof error.message === "string" ? error.message.trim() : "";
  return message.split("\n").at(-1)?.trim() || String(error.name ?? "error");
}

/** What `error` says about the database, or null when it is not a database problem we know. */
export function databaseProblem(error: unknown): DatabaseProblem | null {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const candidate = current as ErrorLike;
    const { kind, originalCode } = adapterCause(candidate);
    const code = typeof candidate.code === "string" ? candidate.code : undefined;
    if ((code && (SCHEMA_CODES.has(code) || SCHEMA_SQLSTATES.has(code))) || SCHEMA_KINDS.has(String(kind)) || SCHEMA_SQLSTATES.has(String(originalCode))) {
      return { kind: "schema-missing", detail: lastLine(candidate) };
    }
    if (
      (code && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SOCKET_CODES.has(code))) ||
      UNREACHABLE_KINDS.has(String(kind)) ||
      candidate.name === "PrismaClientInitializationError" ||
      // lib/redis.ts: Redis (sessions or rate limits, REDIS_URL) cannot answer. Same answer, a 503.
      candidate.name === "StoreUnavailableError" ||
      (typeof candidate.message === "string" && PG_CONNECTION_LOST.test(candidate.message))
    ) {
      return { kind: "unreachable", detail: lastLine(candidate) };
    }
    current = candidate.cause;
  }
  return null;
}

/** The one log line for a problem: what happened, and what fixes it. */
export function describeDatabaseProblem(problem: DatabaseProblem): string {
  if (problem.kind === "unreachable" && problem.detail.startsWith("Redis ")) {
    return `${problem.detail}. Fix: check REDIS_URL and that Redis is running and accepts connections.`;
  }
  return problem.kind === "schema-missing"
    ? `the database is not migrated (${problem.detail}). Fix: run \`npm run db:deploy\` (prisma migrate deploy) against this DATABASE_URL; \`npm run dev\` does it on start.`
    : `the database cannot be reached (${problem.detail}). Fix: check DATABASE_URL and that PostgreSQL is running and accepts connections.`;
}
