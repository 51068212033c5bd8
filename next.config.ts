import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Don't advertise the framework to scanners.
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden(): a real 403 status and page for signed-in users without the role.
  experimental: { authInterrupts: true },
  // proxy.ts sets these (and the CSP) on everything it handles; build assets skip the proxy.
  async headers() {
    const headers = Object.entries(staticSecurityHeaders(process.env.NODE_ENV === "production")).map(([key, value]) => ({ key, value }));
    return [
      { source: "/_next/static/:path*", headers },
      { source: "/_next/image", headers },
      { source: "/favicon.ico", headers },
    ];
  },
};

export default nextConfig;
