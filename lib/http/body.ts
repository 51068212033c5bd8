import { z } from "zod";
import type { Failure } from "@/lib/http/respond";

export const MAX_BODY_BYTES = 16 * 1024;

export type BodyKind = "json" | "form";

/** On a schema failure, `raw` is what was parsed (unvalidated), for the form to keep what it may. */
export type ReadBodyResult<T> = { ok: true; kind: BodyKind; data: T } | { ok: false; kind: BodyKind; failure: Failure; raw?: unknown };

function kindOf(contentType: string | null): BodyKind | "unsupported" | "none" {
  if (!contentType) return "none";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return "json";
  if (mediaType === "application/x-www-form-urlencoded") return "form";
  return "unsupported";
}

/** Reads at most `limit` bytes; null once the body is longer, whatever Content-Length claimed. */
async function readLimited(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * SPEC §4's input rules in one place: 415 for a media type we don't speak, 413 past 16 KiB,
 * 400 for malformed JSON or a schema failure (with per-field codes). A body-less request (an API
 * client's logout) reads as an empty JSON object.
 */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<ReadBodyResult<z.output<S>>> {
  const detected = kindOf(request.headers.get("content-type"));
  const kind: BodyKind = detected === "form" ? "form" : "json";
  if (detected === "unsupported") {
    const error = "Unsupported content type: send application/json or application/x-www-form-urlencoded.";
    return { ok: false, kind, failure: { ok: false, reason: "unsupported-media-type", error } };
  }
  const text = await readLimited(request, MAX_BODY_BYTES);
  if (text === null) {
    const error = `Request body too large: the limit is ${MAX_BODY_BYTES} bytes.`;
    return { ok: false, kind, failure: { ok: false, reason: "body-too-large", error } };
  }
  if (detected === "none" && text.length > 0) {
    return { ok: false, kind, failure: { ok: false, reason: "unsupported-media-type", error: "Missing content type: send application/json." } };
  }

  let raw: unknown = {};
  if (kind === "form") {
    raw = Object.fromEntries(new URLSearchParams(text));
  } else if (text.trim().length > 0) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, kind, failure: { ok: false, reason: "malformed-json", error: "Malformed JSON in request body." } };
    }
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error);
    const fields = flat.fieldErrors as Record<string, string[]>;
    // A root-level problem (a JSON array, say) is zod's text; field problems are message codes.
    const error = flat.formErrors[0];
    return { ok: false, kind, failure: { ok: false, reason: "invalid-input", ...(error ? { error } : {}), fields }, raw };
  }
  return { ok: true, kind, data: parsed.data };
}
