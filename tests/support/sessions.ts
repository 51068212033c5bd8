import type { NewSession, NewSessionOptions, RequestMeta, SessionStore, SessionSubject } from "@/lib/session/types";

/**
 * A new session where the test expects one: a refusal (generation moved on) fails the test.
 * Persistent ("remember me") unless the test says otherwise.
 */
export async function createSessionOrFail(
  store: SessionStore,
  subject: SessionSubject,
  meta: RequestMeta,
  options: NewSessionOptions = { persistent: true },
): Promise<NewSession> {
  const created = await store.createSession(subject, meta, options);
  if (!created) throw new Error(`createSession refused: user ${subject.id} is no longer at generation ${subject.generation}`);
  return created;
}
