import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";
import { HOME_PATH, LOGIN_PATH, loginPath, matchesPrefix, routeOf, withNotice } from "@/lib/routes";

describe("routeOf: access", () => {
  it.each([
    ["/dashboard", "protected-page"],
    ["/dashboard/", "protected-page"],
    ["/dashboard/deeper/page", "protected-page"],
    ["/dashboard.rsc", "protected-page"],
    ["/dashboard.segments/_tree.segment.rsc", "protected-page"],
    ["//dashboard", "protected-page"],
    ["/DASHBOARD", "protected-page"],
    ["/%64ashboard", "protected-page"],
    ["/settings/sessions", "protected-page"],
    ["/admin", "protected-page"],
    ["/api/auth/session", "protected-api"],
    ["/api/auth/sessions/abc", "protected-api"],
    ["/api/auth/logout-all", "protected-api"],
    ["/api/auth/password", "protected-api"],
    ["/api/admin/users/abc/role", "protected-api"],
    ["/login", "anonymous-only"],
    ["/signup", "anonymous-only"],
    ["/", "public"],
    ["/dashboards", "public"],
    ["/api/auth/login", "public"],
    ["/api/auth/logout", "public"],
    ["/api/auth/signup", "public"],
    ["/api/auth/sessionsx", "public"],
  ])("%s is %s", (path, access) => {
    expect(routeOf(path).access).toBe(access);
  });
});

describe("matchesPrefix", () => {
  it("matches whole segments only", () => {
    expect(matchesPrefix("/admin", "/admin")).toBe(true);
    expect(matchesPrefix("/admin/users", "/admin")).toBe(true);
    expect(matchesPrefix("/administrator", "/admin")).toBe(false);
  });
});

describe("routeOf: role", () => {
  it("gates the admin area, pages and API, in every spelling", () => {
    for (const path of ["/admin", "/admin/users", "/ADMIN", "/admin.rsc", "/api/admin/users/x/role"]) {
      expect(routeOf(path).role, path).toBe("admin");
    }
    for (const path of ["/administrator", "/dashboard", "/api/auth/session"]) {
      expect(routeOf(path).role, path).toBeUndefined();
    }
  });
});

describe("routeOf: mailed-link routes inside a protected prefix (SPEC §7)", () => {
  it("forgot and reset work signed out; the password change itself stays protected", () => {
    expect(routeOf("/api/auth/password/forgot").access).toBe("public");
    expect(routeOf("/api/auth/password/reset").access).toBe("public");
    expect(routeOf("/api/auth/password").access).toBe("protected-api");
    expect(routeOf("/api/auth/password/").access).toBe("protected-api");
    expect(routeOf("/api/auth/password/other").access).toBe("protected-api");
  });
});

describe("routeOf: pages that carry a mailed link's token (SPEC §7: no-referrer)", () => {
  it("marks them, with the same folding as every other match, and nothing else", () => {
    for (const path of ["/reset-password", "/Reset-Password/", "/verify-email", "/%63onfirm-email", "//confirm-email"]) {
      expect(routeOf(path).carriesToken, path).toBe(true);
    }
    for (const path of ["/forgot-password", "/login", "/reset-passwords", "/api/auth/password/reset"]) {
      expect(routeOf(path).carriesToken, path).toBeUndefined();
    }
  });
});

describe("paths built from LOGIN_PATH and HOME_PATH", () => {
  it("loginPath keeps where the user was going, encoded, and nothing when there is nowhere", () => {
    expect(loginPath("/settings/sessions?x=1&y=2")).toBe(`${LOGIN_PATH}?next=%2Fsettings%2Fsessions%3Fx%3D1%26y%3D2`);
    expect(loginPath(null)).toBe(LOGIN_PATH);
    expect(loginPath("")).toBe(LOGIN_PATH);
  });

  it("withNotice puts one known notice code on a page", () => {
    expect(withNotice("/settings/password", "password-changed")).toBe("/settings/password?notice=password-changed");
  });

  it("a next that leaves the origin falls back to HOME_PATH", () => {
    expect(safeNextPath("//evil.example")).toBe(HOME_PATH);
  });
});
