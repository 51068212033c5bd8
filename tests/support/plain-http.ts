import { COOKIE } from "../fixtures";

// Requests over plain fetch, with no cookie jar: each carries exactly the session cookie named,
// as a second browser, a second instance's client or a thief holding a copied cookie would. The
// cookie comes from signIn(baseURL, user) in ../fixtures.

export function send(url: string, cookie: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(url, {
    method: init.method ?? "GET",
    headers: { cookie: `${COOKIE}=${cookie}`, ...(init.body ? { "content-type": "application/json" } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
    redirect: "manual",
  });
}

/** The status of a request with exactly this cookie, its body read and dropped. */
export async function statusOf(url: string, cookie: string, init: { method?: string; body?: unknown } = {}): Promise<number> {
  const response = await send(url, cookie, init);
  await response.arrayBuffer();
  return response.status;
}
