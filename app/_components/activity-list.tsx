import { RelativeTime } from "@/app/_components/relative-time";
import { AUTH_EVENT_LABELS, type AuthEventView } from "@/lib/audit";
import { describeDevice } from "@/lib/device";

/** A list of audit events: what happened, when, from where. */
export function ActivityList({ events, now }: { events: AuthEventView[]; now: Date }) {
  if (events.length === 0) return <p className="aside">No activity recorded yet.</p>;
  return (
    <ul className="session-list">
      {events.map((event) => (
        <li key={event.id} className="session">
          <div>
            <strong>{AUTH_EVENT_LABELS[event.type]}</strong>
            {event.detail?.role ? <span className="aside"> · now {event.detail.role}</span> : null}
            {event.detail?.by ? <span className="aside"> · by an admin</span> : null}
            <p className="aside">
              <RelativeTime value={event.createdAt} now={now} /> · {describeDevice(event.userAgent)} · IP {event.ip ?? "unknown"}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
