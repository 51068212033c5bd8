import type { NextConfig } from "next";
import { securityHeaderRules } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Don't advertise the framework to scanners.
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden(): a real 403 status and page for signed-in users without the role.
  experimental: { authInterrupts: true },
  // The nonce-free security headers on every path, and the API's fixed CSP: set once here, not by
  // proxy.ts on each request (lib/http/security-headers.ts says which header comes from where).
  async headers() {
    return securityHeaderRules(process.env.NODE_ENV === "production");
  },
};

export default nextConfig;
