import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Issue 11: outside lib/session nothing touches the session tables, reaches a strategy's file or
// branches on the strategy's name; the rest of the app asks the store. The lint rule (eslint.config.mjs) catches imports as they
// are typed; this check goes by what the compiler resolves and infers, so a relative path, a
// dynamic import, a destructured delegate or a relation filter cannot slip past it.

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SESSION_DIR = path.join(ROOT, "lib/session") + path.sep;
const SESSION_INDEX = path.join(ROOT, "lib/session/index.ts");
const GENERATED_DIR = path.join(ROOT, "lib/generated") + path.sep;
const ENV_FILE = path.join(ROOT, "lib/env.ts");
const STRATEGY_PROPERTY = "sessionStrategy";
const SESSION_MODELS = ["Session", "RevokedSession", "RevocationEvent"];
const DELEGATES = new Set(SESSION_MODELS.map((model) => `${model}Delegate`));
// A table named in SQL: Prisma's tables are mixed-case, so only a quoted name can reach them.
const QUOTED_TABLE = new RegExp(`"(${SESSION_MODELS.join("|")})"`);

/** Relation fields that lead to a session model (User.sessions, …), read from the schema. */
function relationFields(): Set<string> {
  const schema = readFileSync(path.join(ROOT, "prisma/schema.prisma"), "utf8");
  const field = new RegExp(`^\\s+(\\w+)\\s+(?:${SESSION_MODELS.join("|")})(?:\\[\\]|\\?)?(?:\\s|$)`, "gm");
  return new Set([...schema.matchAll(field)].map((match) => match[1]!));
}

/** What the check covers: everything that must go through @/lib/session's index. */
function filesInScope(): string[] {
  return globSync(["app/**/*.{ts,tsx}", "lib/**/*.ts", "scripts/**/*.ts", "prisma/**/*.ts", "proxy.ts", "instrumentation*.ts"], { cwd: ROOT })
    .map((file) => path.join(ROOT, file))
    .filter((file) => !file.startsWith(SESSION_DIR) && !file.startsWith(GENERATED_DIR));
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true, incremental: false };
}

type Violation = { file: string; line: number; what: string };

function findViolations(program: ts.Program, files: string[]): Violation[] {
  const checker = program.getTypeChecker();
  const options = program.getCompilerOptions();
  const relations = relationFields();
  const violations: Violation[] = [];

  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not in the program: ${file}`);
    const report = (node: ts.Node, what: string) => {
      const violation = { file: path.relative(ROOT, file), line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, what };
      const seen = violations.some((v) => v.file === violation.file && v.line === violation.line && v.what === what);
      if (!seen) violations.push(violation);
    };

    const checkSpecifier = (node: ts.Node, specifier: string) => {
      const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && path.resolve(resolved).startsWith(SESSION_DIR) && path.resolve(resolved) !== SESSION_INDEX) {
        report(node, `imports ${path.relative(ROOT, resolved)}`);
      }
    };

    const declaredInGenerated = (symbol: ts.Symbol | undefined) =>
      (symbol?.declarations ?? []).some((decl) => path.resolve(decl.getSourceFile().fileName).startsWith(GENERATED_DIR));

    /** An argument object typed as Prisma's own (`const args: Prisma.UserFindManyArgs = …`, `satisfies`). */
    const hasPrismaProperty = (literal: ts.ObjectLiteralExpression, name: string) => {
      const contextual = checker.getContextualType(literal);
      if (!contextual) return false;
      const candidates = contextual.isUnion() ? contextual.types : [contextual];
      return candidates.some(
        (type) => (declaredInGenerated(type.aliasSymbol) || declaredInGenerated(type.getSymbol())) && checker.getPropertyOfType(type, name) !== undefined,
      );
    };

    /** `db.user.findMany(…)`: a method of a model's delegate, whose arguments Prisma infers. */
    const isModelCall = (node: ts.CallExpression) =>
      ts.isPropertyAccessExpression(node.expression) &&
      declaredInGenerated(checker.getTypeAtLocation(node.expression.expression).getSymbol()) &&
      /Delegate$/.test(checker.getTypeAtLocation(node.expression.expression).getSymbol()?.getName() ?? "");

    /** A property of the parsed environment (`Env` in lib/env.ts), e.g. the strategy's name. */
    const isEnvProperty = (symbol: ts.Symbol | undefined) => (symbol?.declarations ?? []).some((decl) => path.resolve(decl.getSourceFile().fileName) === ENV_FILE);

    /**
     * The property a node reads and what it reads it from, in the three spellings: `x.name`,
     * `x["name"]` and `const { name } = x` (a destructured parameter: the pattern, whose type is x's).
     */
    const propertyRead = (node: ts.Node): { name: string; from: ts.Node } | null => {
      if (ts.isPropertyAccessExpression(node)) return { name: node.name.text, from: node.expression };
      if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return { name: node.argumentExpression.text, from: node.expression };
      if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const declaration = node.parent.parent;
        const from = ts.isVariableDeclaration(declaration) && declaration.initializer ? declaration.initializer : node.parent;
        return { name: (node.propertyName ?? node.name).getText(source), from };
      }
      return null;
    };

    const visit = (node: ts.Node, inModelCall: boolean) => {
      const read = propertyRead(node);
      // Branching on the strategy's name: the store says what differs instead (listsAllSessions, …).
      if (read?.name === STRATEGY_PROPERTY && isEnvProperty(checker.getTypeAtLocation(read.from).getProperty(STRATEGY_PROPERTY))) {
        report(node, "reads the session strategy's name");
      } else if (read?.name === "SESSION_STRATEGY" && read.from.getText(source) === "process.env" && path.resolve(file) !== ENV_FILE) {
        report(node, "reads SESSION_STRATEGY");
      }
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        checkSpecifier(node, node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
        checkSpecifier(node, node.arguments[0].text);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        checkSpecifier(node, node.argument.literal.text);
      } else if (ts.isIdentifier(node)) {
        // db.session, tx.revokedSession, const { session } = db: whatever the route, the delegate's type.
        const symbol = checker.getTypeAtLocation(node).getSymbol();
        if (symbol && DELEGATES.has(symbol.getName())) report(node, `uses the ${symbol.getName()}`);
      } else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
        const match = QUOTED_TABLE.exec(node.text);
        if (match) report(node, `names the ${match[1]} table in SQL`);
      }
      // include/select/_count/where through a relation (User.sessions).
      if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent)) {
        const name = node.name.getText(source);
        if (relations.has(name) && (inModelCall || hasPrismaProperty(node.parent, name))) report(node, `reaches the ${name} relation`);
      }
      if (ts.isCallExpression(node) && isModelCall(node)) {
        visit(node.expression, inModelCall);
        node.arguments.forEach((argument) => visit(argument, true));
      } else {
        ts.forEachChild(node, (child) => visit(child, inModelCall));
      }
    };
    visit(source, false);
  }
  return violations;
}

/** A compiler host that also serves `probes` (path → source) as files of the repository. */
function hostWith(options: ts.CompilerOptions, probes: Map<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  return Object.assign(host, {
    fileExists: (name: string) => probes.has(path.resolve(name)) || fileExists.call(host, name),
    readFile: (name: string) => probes.get(path.resolve(name)) ?? readFile.call(host, name),
    getSourceFile: (name: string, language: ts.ScriptTarget | ts.CreateSourceFileOptions, ...rest: [((m: string) => void)?, boolean?]) => {
      const probe = probes.get(path.resolve(name));
      return probe !== undefined ? ts.createSourceFile(name, probe, language, true) : getSourceFile.call(host, name, language, ...rest);
    },
  });
}

// What the check must find, one way in per line, and what it must leave alone.
const PROBE_BAD = path.join(ROOT, "lib/__boundary_probe_bad__.ts");
const PROBE_GOOD = path.join(ROOT, "lib/__boundary_probe_good__.ts");
const probes = new Map([
  [
    PROBE_BAD,
    `import { getDb } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { passwordId } from "./session/sealed-cookie";
export type { SessionStore } from "@/lib/session/types";
export const a = () => getDb().session.count();
export const b = () => getDb().$transaction((tx) => tx.revokedSession.deleteMany());
export const { revocationEvent: c } = getDb();
export const d = () => getDb().user.findMany({ include: { _count: { select: { sessions: true } } } });
export const e = () => getDb().user.findMany({ where: { revokedSessions: { some: {} } } });
export const f = () => getDb().$executeRaw\`DELETE FROM "Session" WHERE "userId" = \${"x"}\`;
export const g = () => getDb().$queryRaw(Prisma.sql\`SELECT 1 FROM "RevokedSession"\`);
export const h = () => import("@/lib/session/database");
export const i = hashToken;
export const j = { select: { revokedSessions: true } } satisfies Prisma.UserFindManyArgs;
export const k = () => getDb().$transaction((tx) => tx.user.findFirst({ select: { id: true, sessions: { select: { id: true } } } }));
export const l = () => getDb().$queryRawUnsafe('SELECT count(*) FROM "RevocationEvent"');
export type M = typeof import("../lib/session/cache");
import { getEnv } from "@/lib/env";
export const n = () => getEnv().sessionStrategy === "redis";
export const { sessionStrategy: o } = getEnv();
export const p = process.env.SESSION_STRATEGY;
export const q = getEnv()["sessionStrategy"];
export const r = process.env["SESSION_STRATEGY"];
export const { SESSION_STRATEGY: s } = process.env;
export const t = ({ sessionStrategy }: ReturnType<typeof getEnv>) => sessionStrategy;
`,
  ],
  [
    PROBE_GOOD,
    `import { getDb } from "@/lib/db";
import { getSessionStore, type NewSession, type SessionInfo } from "@/lib/session";
export const a = (created: NewSession) => created.session.id;
export const b = (sessions: SessionInfo[]) => ({ sessions, revokedSessions: 0, title: "Session" });
export const c = () => getDb().user.findMany({ select: { id: true, sessionGeneration: true } });
export const d = () => getSessionStore().countActiveSessions([]);
export const e = () => getDb().$queryRaw\`SELECT 1 FROM "User" WHERE name = 'Session'\`;
export const f = (sessions: SessionInfo[]) => JSON.stringify({ sessions, revokedSessions: sessions.length });
export const g = () => getDb().authEvent.findMany({ where: { detail: { path: ["sessionId"], equals: "x" } } });
export const h = (options: { sessionStrategy: string }) => options.sessionStrategy;
export const { sessionStrategy: i } = { sessionStrategy: "any" };
export const j = ({ sessionStrategy: "any" } as Record<string, string>)["sessionStrategy"];
export const { SESSION_STRATEGY: k } = { SESSION_STRATEGY: "any" };
`,
  ],
]);

describe("the session tables and strategy files belong to lib/session (issue 11)", () => {
  const files = filesInScope();
  const options = compilerOptions();
  let program: ts.Program | undefined;
  const getProgram = () => (program ??= ts.createProgram({ rootNames: [...files, ...probes.keys()], options, host: hostWith(options, probes) }));

  it("covers app/, lib/ outside lib/session, scripts/, the seed, proxy.ts and instrumentation", () => {
    const relative = files.map((file) => path.relative(ROOT, file));
    expect(relative).toEqual(
      expect.arrayContaining(["proxy.ts", "instrumentation-node.ts", "prisma/seed.ts", "lib/admin.ts", "lib/maintenance.ts", "lib/auth/sessions.ts", "scripts/cleanup.ts"]),
    );
    expect(relative.some((file) => file.startsWith("app/") && file.endsWith(".tsx"))).toBe(true);
    expect(relative.filter((file) => file.startsWith("lib/session/") || file.startsWith("lib/generated/"))).toEqual([]);
  });

  it("nothing outside lib/session touches a session table, imports a strategy's file or reads the strategy's name", () => {
    expect(findViolations(getProgram(), files)).toEqual([]);
  }, 120_000);

  it("the check finds every way in, and nothing else (probes)", () => {
    const found = findViolations(getProgram(), [PROBE_BAD, PROBE_GOOD]).map(({ file, line, what }) => `${file}:${line} ${what}`);
    expect(found).toEqual([
      "lib/__boundary_probe_bad__.ts:3 imports lib/session/sealed-cookie.ts",
      "lib/__boundary_probe_bad__.ts:4 imports lib/session/types.ts",
      "lib/__boundary_probe_bad__.ts:5 uses the SessionDelegate",
      "lib/__boundary_probe_bad__.ts:6 uses the RevokedSessionDelegate",
      "lib/__boundary_probe_bad__.ts:7 uses the RevocationEventDelegate",
      "lib/__boundary_probe_bad__.ts:8 reaches the sessions relation",
      "lib/__boundary_probe_bad__.ts:9 reaches the revokedSessions relation",
      "lib/__boundary_probe_bad__.ts:10 names the Session table in SQL",
      "lib/__boundary_probe_bad__.ts:11 names the RevokedSession table in SQL",
      "lib/__boundary_probe_bad__.ts:12 imports lib/session/database.ts",
      "lib/__boundary_probe_bad__.ts:14 reaches the revokedSessions relation",
      "lib/__boundary_probe_bad__.ts:15 reaches the sessions relation",
      "lib/__boundary_probe_bad__.ts:16 names the RevocationEvent table in SQL",
      "lib/__boundary_probe_bad__.ts:17 imports lib/session/cache.ts",
      "lib/__boundary_probe_bad__.ts:19 reads the session strategy's name",
      "lib/__boundary_probe_bad__.ts:20 reads the session strategy's name",
      "lib/__boundary_probe_bad__.ts:21 reads SESSION_STRATEGY",
      "lib/__boundary_probe_bad__.ts:22 reads the session strategy's name",
      "lib/__boundary_probe_bad__.ts:23 reads SESSION_STRATEGY",
      "lib/__boundary_probe_bad__.ts:24 reads SESSION_STRATEGY",
      "lib/__boundary_probe_bad__.ts:25 reads the session strategy's name",
    ]);
  }, 120_000);
});
