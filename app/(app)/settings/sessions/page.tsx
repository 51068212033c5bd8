import type { Metadata } from "next";
import { FormNotices } from "@/app/_components/form-notices";
import { RelativeTime } from "@/app/_components/relative-time";
import { requireUser } from "@/lib/auth/current-user";
import { readFormState, type SearchParams } from "@/lib/auth/form-state";
import { listSessions } from "@/lib/auth/sessions";
import { describeDevice } from "@/lib/device";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const current = await requireUser();
  const { sessions, listsAllSessions } = await listSessions(current);
  const { notice, error } = readFormState(await searchParams, [], getEnv());
  const now = new Date();
  return (
    <section className="card">
      <h1>Sessions</h1>
      <FormNotices notice={notice} error={error} />
      {listsAllSessions ? (
        <p className="aside">Every device signed in to your account. Sign out any you don&apos;t recognise.</p>
      ) : (
        <p className="aside">
          This app keeps sessions in sealed cookies, which are not recorded anywhere, so only this device can be listed.
          Signing out everywhere else still works: every other session&apos;s cookie stops being accepted.
        </p>
      )}
      <ul className="session-list">
        {sessions.map((session) => (
          <li key={session.id} className="session">
            <div>
              <strong>{describeDevice(session.userAgent)}</strong>
              {session.current ? <span className="badge">This device</span> : null}
              <p className="aside">
                IP {session.ip ?? "unknown"} · signed in <RelativeTime value={session.createdAt} now={now} /> · last active{" "}
                <RelativeTime value={session.lastSeenAt} now={now} />
              </p>
            </div>
            <form method="post" action={`/api/auth/sessions/${encodeURIComponent(session.id)}`} className="inline-form">
              <button type="submit" className="secondary">
                {session.current ? "Sign out of this device" : "Sign out"}
                {session.current ? null : <span className="visually-hidden"> {describeDevice(session.userAgent)}</span>}
              </button>
            </form>
          </li>
        ))}
      </ul>
      <div className="actions">
        <form method="post" action="/api/auth/logout-all" className="inline-form">
          <input type="hidden" name="keepCurrent" value="true" />
          <button type="submit">Sign out everywhere else</button>
        </form>
        <form method="post" action="/api/auth/logout-all" className="inline-form">
          <button type="submit" className="secondary">
            Sign out everywhere
          </button>
        </form>
      </div>
    </section>
  );
}
