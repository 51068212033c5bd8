import type { NewSession, RequestMeta, SessionStore, SessionSubject } from "@/lib/session/types";

/** A new session where the test expects one: a refusal (generation moved on) fails the test. */
export async function createSessionOrFail(store: SessionStore, subject: SessionSubject, meta: RequestMeta): Promise<NewSession> {
  const created = await store.createSession(subject, meta);
  if (!created) throw new Error(`createSession refused: user ${subject.id} is no longer at generation ${subject.generation}`);
  return created;
}
