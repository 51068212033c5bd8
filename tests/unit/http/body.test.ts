import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_BODY_BYTES, readBody } from "@/lib/http/body";
import { OUTCOMES } from "@/lib/http/outcomes";

const Schema = z.object({ email: z.string({ error: "required" }) });

/** readBody's result with the status lib/http/outcomes.ts gives its reason, and the error a caller sees. */
async function read(request: Request, schema: z.ZodType) {
  const result = await readBody(request, schema);
  if (result.ok) return result;
  const { reason, error } = result.failure;
  return { ...result, failure: { ...result.failure, status: OUTCOMES[reason].status, error: error ?? reason } };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://app.test/api", { method: "POST", body, headers });
}

describe("readBody", () => {
  it("parses JSON", async () => {
    const result = await readBody(post('{"email":"a@b.co"}', { "content-type": "application/json" }), Schema);
    expect(result).toEqual({ ok: true, kind: "json", data: { email: "a@b.co" } });
  });

  it("parses a form post and marks it as one", async () => {
    const result = await readBody(post("email=a%40b.co", { "content-type": "application/x-www-form-urlencoded" }), Schema);
    expect(result).toEqual({ ok: true, kind: "form", data: { email: "a@b.co" } });
  });

  // A checkbox posts a hidden "false" before its own "true" (app/_components/auth-form.tsx).
  it("keeps the last value of a repeated form field", async () => {
    const Flag = z.object({ remember: z.string() });
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(await readBody(post("remember=false&remember=true", form), Flag)).toMatchObject({ ok: true, data: { remember: "true" } });
    expect(await readBody(post("remember=false", form), Flag)).toMatchObject({ ok: true, data: { remember: "false" } });
  });

  it("accepts a charset parameter", async () => {
    const result = await readBody(post('{"email":"x"}', { "content-type": "application/json; charset=utf-8" }), Schema);
    expect(result.ok).toBe(true);
  });

  it("answers 400 for malformed JSON", async () => {
    const result = await read(post("{nope", { "content-type": "application/json" }), Schema);
    expect(result).toMatchObject({ ok: false, failure: { status: 400, error: "Malformed JSON in request body." } });
  });

  it("answers 400 with per-field codes for a schema failure", async () => {
    const result = await read(post("{}", { "content-type": "application/json" }), Schema);
    expect(result).toMatchObject({ ok: false, failure: { status: 400, error: "invalid-input", fields: { email: ["required"] } } });
  });

  it("answers 400 for JSON that is not an object", async () => {
    const result = await read(post("[1,2]", { "content-type": "application/json" }), Schema);
    expect(result).toMatchObject({ ok: false, failure: { status: 400 } });
  });

  it("answers 415 for other media types, and for a body without a type", async () => {
    expect(await read(post("x", { "content-type": "text/plain" }), Schema)).toMatchObject({ failure: { status: 415 } });
    expect(await read(post("<a/>", { "content-type": "multipart/form-data; boundary=x" }), Schema)).toMatchObject({
      failure: { status: 415 },
    });
    const untyped = new Request("http://app.test/api", { method: "POST", body: new Uint8Array([1, 2, 3]) });
    expect(await read(untyped, Schema)).toMatchObject({ failure: { status: 415 } });
  });

  it("answers 413 past 16 KiB, whether or not Content-Length says so", async () => {
    const big = JSON.stringify({ email: "x".repeat(MAX_BODY_BYTES) });
    expect(await read(post(big, { "content-type": "application/json" }), Schema)).toMatchObject({ failure: { status: 413 } });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = new Request("http://app.test/api", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(await read(chunked, Schema)).toMatchObject({ failure: { status: 413 } });
  });

  it("reads a missing body as an empty object", async () => {
    const result = await read(post(null), z.object({}));
    expect(result).toEqual({ ok: true, kind: "json", data: {} });
  });
});
