import { expect, test } from "../fixtures";

const ROUTES = ["/api/auth/signup", "/api/auth/login", "/api/auth/logout"];

test.describe("bad input gets a clear 4xx, never a 500", () => {
  for (const route of ROUTES) {
    test(`${route}: malformed JSON → 400`, async ({ request }) => {
      const response = await request.post(route, { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
      expect(response.status()).toBe(400);
      expect(await response.json()).toEqual({ error: "Malformed JSON in request body." });
    });

    test(`${route}: wrong content type → 415`, async ({ request }) => {
      const response = await request.post(route, { headers: { "content-type": "text/plain" }, data: Buffer.from("email=a") });
      expect(response.status()).toBe(415);
      expect((await response.json()).error).toContain("application/json");
    });

    test(`${route}: body over 16 KiB → 413`, async ({ request }) => {
      const response = await request.post(route, { data: { email: "a@b.co", password: "x".repeat(17 * 1024) } });
      expect(response.status()).toBe(413);
      expect((await response.json()).error).toContain("16384");
    });

  }

  for (const route of ["/api/auth/signup", "/api/auth/login"]) {
    test(`${route}: wrong types → 400 with fields`, async ({ request }) => {
      const response = await request.post(route, { data: { email: 42, password: ["x"], name: {} } });
      expect(response.status()).toBe(400);
      expect(Object.keys((await response.json()).fields)).toEqual(expect.arrayContaining(["email", "password"]));
    });
  }

  test("a JSON array or string body → 400", async ({ request }) => {
    for (const data of ["[]", '"x"', "null", "1"]) {
      const response = await request.post("/api/auth/login", { headers: { "content-type": "application/json" }, data: Buffer.from(data) });
      expect(response.status(), data).toBe(400);
    }
  });

  test("a wrong method on a route → 405, an unknown route → 404", async ({ request }) => {
    expect((await request.get("/api/auth/login")).status()).toBe(405);
    expect((await request.delete("/api/auth/nothing-here")).status()).toBe(404);
  });
});
