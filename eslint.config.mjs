import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The import rules of STYLE.md §1: the layering is what keeps the proxy small and the
// data-access function the only reader of request scope.
const noDbInApp = {
  group: ["@/lib/db", "@/lib/generated/*", "**/lib/db", "**/lib/generated/*"],
  message: "app/ reads data through lib/ functions that return DTOs, never Prisma directly.",
};
const noApp = { group: ["@/app/*", "**/app/*"], message: "lib/ must not import app/." };
// One direction between the layers: lib/http (route wrapper, outcome table) uses lib/auth and
// lib/session; they return results and never build an HTTP answer themselves (issue 11).
const noHttpBelow = {
  group: ["@/lib/http/*", "**/lib/http/*", "./http/*", "../http/*"],
  message: "lib/http is the top layer of lib/: it calls lib/auth and lib/session, never the reverse. Return a result with a reason.",
};
const noRequestScope = {
  name: "next/headers",
  message: "lib/session and lib/http take plain values; only lib/auth/current-user.ts reads request scope.",
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "lib/generated/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
  {
    // Playwright fixtures call a `use` that is not React's hook.
    files: ["tests/**/*.ts"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [noDbInApp] }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts." }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/http/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noApp, noHttpBelow] }] },
  },
  {
    files: ["lib/session/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noRequestScope], patterns: [noApp, noHttpBelow] }] },
  },
  {
    files: ["lib/http/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [noRequestScope], patterns: [noApp] }] },
  },
  {
    files: ["proxy.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [noRequestScope, { name: "bcryptjs", message: "The proxy never hashes passwords." }],
          patterns: [noApp, { group: ["react", "react-dom"], message: "The proxy renders nothing." }],
        },
      ],
    },
  },
  {
    files: ["lib/**/*.ts", "proxy.ts"],
    ignores: ["lib/env.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "lib/env.ts is the only reader of process.env." }],
    },
  },
  // Issue 11: outside lib/session, sessions are known only through its index (the active store,
  // the cookie, the clean-up); which strategy runs and how it stores sessions stay inside. A
  // rule of its own (the typescript-eslint twin of no-restricted-imports), so the blocks above
  // keep their import rules for the same files. tests/ and bench/ may reach the internals.
  {
    files: ["app/**/*.{ts,tsx}", "lib/**/*.ts", "proxy.ts", "scripts/**/*.ts", "prisma/**/*.ts", "instrumentation*.ts"],
    ignores: ["lib/session/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/session/*", "**/lib/session/*"],
              message: "Import from @/lib/session (its index); the strategies' files are internal to lib/session.",
            },
          ],
        },
      ],
    },
  },
  {
    // The same from lib/ by relative path (lib/auth/x.ts → ../session/y).
    files: ["lib/**/*.ts"],
    ignores: ["lib/session/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/session/*", "**/lib/session/*", "./session/*", "../session/*"],
              message: "Import from @/lib/session (its index); the strategies' files are internal to lib/session.",
            },
          ],
        },
      ],
    },
  },
]);
