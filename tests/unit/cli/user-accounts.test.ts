import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAccount, parseCreateArgs, parseRoleArgs, setRole } from "@/lib/cli/user-accounts";
import { useTestDatabase } from "@/tests/support/vitest-database";

process.env.BCRYPT_COST ??= "10";
const db = useTestDatabase("unit_cli_users", { asAppDatabase: true });
const ROOT = path.resolve(import.meta.dirname, "../../..");
const email = (tag: string) => `${tag}-${Math.random().toString(36).slice(2)}@cli.test`;
const PASSWORD = "a fine long passphrase";

/** Runs a script the way `npm run user:*` does once the database is chosen, with `stdin` piped in. */
function runScript(script: string, args: string[], stdin: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(path.join(ROOT, "node_modules/.bin/tsx"), [script, ...args], { cwd: ROOT, env: process.env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(stdin);
  });
}

describe("user:create and user:role arguments", () => {
  it("never takes a password from the command line", () => {
    expect(() => parseCreateArgs(["--email", "a@b.c", "--password", "hunter2hunter2"])).toThrow(/never read from the command line/);
    expect(() => parseCreateArgs(["--email", "a@b.c", "--password=hunter2hunter2"])).toThrow(/never read from the command line/);
  });

  it("needs an email, knows --admin, refuses unknown options and roles", () => {
    expect(parseCreateArgs(["--email", "a@b.c", "--admin"])).toEqual({ email: "a@b.c", admin: true });
    expect(() => parseCreateArgs([])).toThrow(/--email is required/);
    expect(() => parseCreateArgs(["--email", "a@b.c", "--root"])).toThrow();
    expect(parseRoleArgs(["--email", "a@b.c", "--role", "admin"])).toEqual({ email: "a@b.c", role: "admin" });
    expect(() => parseRoleArgs(["--email", "a@b.c", "--role", "owner"])).toThrow(/--role must be user or admin/);
  });
});

describe("createAccount / setRole", () => {
  it("validates like signup: bad email, short, long or common passwords are refused with the signup texts", async () => {
    expect(await createAccount({ email: "not-an-email", admin: false, password: PASSWORD })).toEqual({
      ok: false,
      message: "email: Enter a valid email address.",
    });
    expect(await createAccount({ email: email("short"), admin: false, password: "short" })).toEqual({
      ok: false,
      message: "password: Use at least 8 characters.",
    });
    expect(await createAccount({ email: email("common"), admin: false, password: "password123" })).toMatchObject({ ok: false, message: expect.stringMatching(/common passwords/) });
    expect(await createAccount({ email: email("long"), admin: false, password: "x".repeat(73) })).toMatchObject({ ok: false, message: expect.stringMatching(/72 bytes/) });
  });

  it("creates an admin with a bcrypt hash, normalises the email, and refuses a taken one", async () => {
    const address = email("Admin").toUpperCase();
    expect(await createAccount({ email: address, name: "First Admin", admin: true, password: PASSWORD })).toEqual({
      ok: true,
      message: `Created admin ${address.toLowerCase()}.`,
    });
    const row = await db().user.findUniqueOrThrow({ where: { email: address.toLowerCase() }, omit: { passwordHash: false } });
    expect(row).toMatchObject({ role: "ADMIN", name: "First Admin" });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(await createAccount({ email: address, admin: false, password: PASSWORD })).toMatchObject({ ok: false, message: expect.stringMatching(/already exists/) });
  });

  it("promotes and demotes, but never the last admin, and says so for an unknown email", async () => {
    await db().user.updateMany({ where: { role: "ADMIN" }, data: { role: "USER" } });
    const address = email("promote");
    await createAccount({ email: address, admin: false, password: PASSWORD });
    expect(await setRole({ email: address, role: "admin" })).toMatchObject({ ok: true });
    expect((await db().user.findUniqueOrThrow({ where: { email: address } })).role).toBe("ADMIN");
    expect(await setRole({ email: address, role: "user" })).toEqual({ ok: false, message: "There must always be at least one admin." });
    expect(await setRole({ email: email("nobody"), role: "admin" })).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
  });
});

describe("the scripts", () => {
  it("user:create reads the password from standard input, and exits non-zero on a refusal", async () => {
    const address = email("piped");
    const created = await runScript("scripts/user-create.ts", ["--email", address, "--admin"], `${PASSWORD}\n`);
    expect(created).toMatchObject({ code: 0, output: expect.stringContaining(`Created admin ${address}`) });
    expect((await db().user.findUniqueOrThrow({ where: { email: address } })).role).toBe("ADMIN");
    const weak = await runScript("scripts/user-create.ts", ["--email", email("weak")], "short\n");
    expect(weak).toMatchObject({ code: 1, output: expect.stringContaining("Use at least 8 characters.") });
    const argv = await runScript("scripts/user-create.ts", ["--email", email("argv"), "--password", PASSWORD], "");
    expect(argv.code).toBe(2);
  }, 60_000);

  it("user:role promotes by email", async () => {
    const address = email("role");
    await createAccount({ email: address, admin: false, password: PASSWORD });
    const promoted = await runScript("scripts/user-role.ts", ["--email", address, "--role", "admin"], "");
    expect(promoted).toMatchObject({ code: 0, output: expect.stringContaining("is now admin") });
  }, 60_000);
});
