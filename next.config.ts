import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Don't advertise the framework to scanners.
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
