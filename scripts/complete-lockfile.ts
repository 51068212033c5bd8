import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./run";

// `npm ci` refuses a lockfile that lacks any optional dependency package.json implies, on every
// platform. A registry mirror that serves only some platforms' prebuilt binaries (like the one
// this project is developed behind) makes `npm install` leave those entries out. This adds them
// back, with their os/cpu/libc, so that npm skips them where they don't apply and fetches them
// by version where they do. With the full npm registry it finds nothing to add.

type Entry = { version?: string; optional?: boolean; os?: string[]; cpu?: string[]; libc?: string[]; optionalDependencies?: Record<string, string> };

const OSES = ["darwin", "win32", "linux", "android", "freebsd", "openharmony", "sunos", "netbsd", "openbsd", "aix"];
const CPUS = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "mips64el", "wasm32"];

function platformOf(name: string): Pick<Entry, "os" | "cpu" | "libc"> | undefined {
  const parts = name.split("/").pop()!.split("-");
  const os = OSES.find((o) => parts.includes(o));
  const cpu = CPUS.find((c) => parts.includes(c));
  if (!os || !cpu) return undefined;
  const libc = parts.includes("musl") || parts.includes("musleabihf") ? ["musl"] : parts.includes("gnu") || parts.includes("gnueabihf") ? ["glibc"] : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

const file = path.join(ROOT, "package-lock.json");
const lock = JSON.parse(readFileSync(file, "utf8")) as { packages: Record<string, Entry> };
const added: string[] = [];
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const platform = platformOf(name);
    if (lock.packages[key] || !platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[key] = { version, ...platform, optional: true };
    added.push(`${name}@${version}`);
  }
}
// npm's own order: the root package first, then paths alphabetically.
const { "": rootEntry, ...dependencies } = lock.packages;
lock.packages = { "": rootEntry!, ...Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))) };
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `Added ${added.length} platform entries:\n  ${added.join("\n  ")}` : "Lockfile already complete.");
