import { describe, expect, it } from "vitest";
import { isCrossSiteWrite, requestOrigin } from "@/lib/http/origin";
import { clientIp } from "@/lib/request-meta";

function request(method: string, headers: Record<string, string> = {}, url = "http://app.test/api/auth/login") {
  return new Request(url, { method, headers });
}

describe("isCrossSiteWrite", () => {
  const own = { appOrigin: "http://app.test", trustProxy: false };

  it("never blocks reads", () => {
    expect(isCrossSiteWrite(request("GET", { origin: "https://evil.test" }), own)).toBe(false);
    expect(isCrossSiteWrite(request("HEAD", { "sec-fetch-site": "cross-site" }), own)).toBe(false);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("blocks a cross-origin %s", (method) => {
    expect(isCrossSiteWrite(request(method, { origin: "https://evil.test" }), own)).toBe(true);
  });

  it("allows only the app's own origin", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "http://app.test" }), own)).toBe(false);
    expect(isCrossSiteWrite(request("POST", { origin: "https://app.test" }), own)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { origin: "http://app.test:8080" }), own)).toBe(true);
  });

  it("refuses an opaque origin", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "null" }), own)).toBe(true);
  });

  it("accepts Origin: null only when the browser says same-origin (a no-referrer page's own form)", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "null", "sec-fetch-site": "same-origin" }), own)).toBe(false);
    for (const site of ["cross-site", "same-site", "none"]) {
      expect(isCrossSiteWrite(request("POST", { origin: "null", "sec-fetch-site": site }), own), site).toBe(true);
    }
  });

  it("falls back to Sec-Fetch-Site when Origin is absent", () => {
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "cross-site" }), own)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "same-site" }), own)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "same-origin" }), own)).toBe(false);
  });

  it("allows non-browser clients that send neither header", () => {
    expect(isCrossSiteWrite(request("POST"), own)).toBe(false);
  });

  it("without APP_URL, compares with the origin the browser addressed (Host; forwarded only behind a trusted proxy)", () => {
    const direct = { trustProxy: false };
    expect(isCrossSiteWrite(request("POST", { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }), direct)).toBe(false);
    expect(isCrossSiteWrite(request("POST", { origin: "http://app.test", host: "127.0.0.1:3000" }), direct)).toBe(true);
    const forwarded = { host: "internal:3000", "x-forwarded-host": "app.example", "x-forwarded-proto": "https" };
    expect(isCrossSiteWrite(request("POST", { origin: "https://app.example", ...forwarded }), { trustProxy: true })).toBe(false);
    expect(isCrossSiteWrite(request("POST", { origin: "https://app.example", ...forwarded }), direct)).toBe(true);
  });
});

describe("requestOrigin", () => {
  it("comes from the Host header, not from the URL the server built", () => {
    const r = request("POST", { host: "127.0.0.1:3000" }, "http://localhost:3000/api/auth/login");
    expect(requestOrigin(r, false)).toBe("http://127.0.0.1:3000");
  });

  it("uses forwarded host and scheme only behind a trusted proxy", () => {
    const headers = { host: "internal:3000", "x-forwarded-host": "app.example", "x-forwarded-proto": "https" };
    const r = request("POST", headers, "http://internal:3000/api");
    expect(requestOrigin(r, true)).toBe("https://app.example");
    expect(requestOrigin(r, false)).toBe("http://internal:3000");
  });
});

describe("clientIp", () => {
  const headers = new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" });

  it("ignores x-forwarded-for unless the proxy is trusted", () => {
    expect(clientIp(headers, false)).toBeNull();
  });

  it("takes the client entry when trusted", () => {
    expect(clientIp(headers, true)).toBe("203.0.113.7");
    expect(clientIp(new Headers(), true)).toBeNull();
  });
});
