import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Don't advertise the framework to scanners.
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden(): a real 403 status and page for signed-in users without the role.
  experimental: { authInterrupts: true },
};

export default nextConfig;
