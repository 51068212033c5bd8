import { describe, expect, it } from "vitest";
import { clientIp, isCrossSiteWrite } from "@/lib/http/origin";

function request(method: string, headers: Record<string, string> = {}, url = "http://app.test/api/auth/login") {
  return new Request(url, { method, headers });
}

describe("isCrossSiteWrite", () => {
  it("never blocks reads", () => {
    expect(isCrossSiteWrite(request("GET", { origin: "https://evil.test" }), undefined)).toBe(false);
    expect(isCrossSiteWrite(request("HEAD", { "sec-fetch-site": "cross-site" }), undefined)).toBe(false);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("blocks a cross-origin %s", (method) => {
    expect(isCrossSiteWrite(request(method, { origin: "https://evil.test" }), undefined)).toBe(true);
  });

  it("allows the request's own origin, or APP_URL when set", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "http://app.test" }), undefined)).toBe(false);
    expect(isCrossSiteWrite(request("POST", { origin: "https://public.example" }), "https://public.example")).toBe(false);
    expect(isCrossSiteWrite(request("POST", { origin: "http://app.test" }), "https://public.example")).toBe(true);
  });

  it("refuses an opaque origin", () => {
    expect(isCrossSiteWrite(request("POST", { origin: "null" }), undefined)).toBe(true);
  });

  it("falls back to Sec-Fetch-Site when Origin is absent", () => {
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "cross-site" }), undefined)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "same-site" }), undefined)).toBe(true);
    expect(isCrossSiteWrite(request("POST", { "sec-fetch-site": "same-origin" }), undefined)).toBe(false);
  });

  it("allows non-browser clients that send neither header", () => {
    expect(isCrossSiteWrite(request("POST"), undefined)).toBe(false);
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
