import { createRequire } from "node:module";
import { requireEnv } from "../lib/env.ts";
import { bin, ROOT, run } from "./run.ts";

// `npm start`: checks the configuration the way the server will see it, then runs `next start`
// with the same arguments. `next start` prints "Ready" as soon as it listens, before
// instrumentation.ts runs, so a bad variable used to stop it right after a "Ready"; here nothing
// listens until the configuration is good (issue 12). instrumentation-node.ts still checks, for
// whatever runs the server without this script (Vercel, `npx next start`).
//
// Node runs this file with its own type stripping, so `npm start` needs no tsx (a dev dependency):
// relative imports with their .ts extension, and lib/env.ts imports nothing but zod.

// As `next start` does: production, and the .env files it reads (.env.production.local,
// .env.local, .env.production, .env), none of which overrides a variable the shell sets.
if (!process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: "production" });
const requireFromNext = createRequire(createRequire(import.meta.url).resolve("next/package.json"));
const { loadEnvConfig } = requireFromNext("@next/env") as typeof import("@next/env");
loadEnvConfig(ROOT, false, { info: () => {}, error: console.error });

requireEnv();
process.exit(await run(bin("next"), ["start", ...process.argv.slice(2)]));
