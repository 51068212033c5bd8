import { z } from "zod";
import { describe, isMessageCode, type MessageConfig } from "@/lib/auth/messages";
import { safeNextPath } from "@/lib/auth/next-path";

export type SearchParams = Record<string, string | string[] | undefined>;

export type FormState = { next: string; error?: string; notice?: string; fields: Record<string, string> };

// Repeated parameters (?error=a&error=b) keep the first; anything not a known code is dropped.
const Param = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(2048).optional()).catch(undefined);

/**
 * What a form page shows after a no-JavaScript post came back with an error: only texts from
 * lib/auth/messages.ts, looked up by code, and a `next` that stays on this origin.
 */
export function readFormState(params: SearchParams, fieldNames: readonly string[], config: MessageConfig): FormState {
  const code = (name: string) => {
    const value = Param.parse(params[name]);
    return isMessageCode(value) ? describe(value, config) : undefined;
  };
  const fields: Record<string, string> = {};
  for (const field of fieldNames) {
    const message = code(`f.${field}`);
    if (message) fields[field] = message;
  }
  return { next: safeNextPath(Param.parse(params.next)), error: code("error"), notice: code("notice"), fields };
}

/** A mailed link's token from a page's query, as sent (the route checks it); "" when absent. */
export function readToken(params: SearchParams): string {
  const value = Param.parse(params.token) ?? "";
  return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : "";
}
