import { expect, signIn, test } from "../fixtures";

test.describe("cross-origin state changes (CSRF)", () => {
  test("a POST from another origin gets 403 and changes nothing", async ({ request, user }) => {
    await signIn(request, user);
    const response = await request.post("/api/auth/logout", { headers: { origin: "https://evil.example" } });
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: "Cross-origin request refused" });
    expect((await request.get("/api/auth/session")).status()).toBe(200);
  });

  test("a cross-origin form post to login gets 403", async ({ request, user }) => {
    const response = await request.post("/api/auth/login", {
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      data: new URLSearchParams({ email: user.email, password: user.password }).toString(),
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(response.headers()["set-cookie"]).toBeUndefined();
  });

  test("Sec-Fetch-Site decides when Origin is absent", async ({ request, user }) => {
    const data = { email: user.email, password: user.password };
    for (const site of ["cross-site", "same-site"]) {
      expect((await request.post("/api/auth/login", { data, headers: { "sec-fetch-site": site } })).status()).toBe(403);
    }
    expect((await request.post("/api/auth/login", { data, headers: { "sec-fetch-site": "same-origin" } })).status()).toBe(200);
  });

  test("the app's own origin passes, and so does a non-browser client with neither header", async ({ request, baseURL, user }) => {
    const data = { email: user.email, password: user.password };
    expect((await request.post("/api/auth/login", { data, headers: { origin: baseURL! } })).status()).toBe(200);
    expect((await request.post("/api/auth/login", { data })).status()).toBe(200);
  });

  test("reads are never blocked by origin", async ({ request }) => {
    expect((await request.get("/", { headers: { origin: "https://evil.example" } })).status()).toBe(200);
  });
});
