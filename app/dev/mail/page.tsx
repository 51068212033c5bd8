import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { devOutboxAvailable, devOutboxReceivesMail, listOutbox } from "@/lib/mail/outbox";

export const metadata: Metadata = { title: "Development outbox", robots: { index: false } };

// SPEC §7: mail kept while SMTP_URL is unset in development. Absent from production builds:
// there it answers 404 before touching the disk.
export default async function OutboxPage() {
  // Rendered per request, never at build time.
  await connection();
  if (!devOutboxAvailable()) notFound();
  const messages = await listOutbox();
  return (
    <section className="card wide">
      <h1>Development outbox</h1>
      {devOutboxReceivesMail() ? (
        <p className="aside">
          SMTP_URL is not set, so the app keeps every email here (in <code>.data/outbox/</code>) and prints its links to the
          console. Production never shows this page.
        </p>
      ) : (
        <p className="aside">SMTP_URL is set, so new mail goes to that server; this list shows only mail kept earlier.</p>
      )}
      {messages.length === 0 ? (
        <p>No mail yet.</p>
      ) : (
        <table className="users">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id}>
                <td>
                  <time dateTime={message.createdAt}>{new Date(message.createdAt).toUTCString()}</time>
                </td>
                <td>{message.to}</td>
                <td>
                  <Link href={`/dev/mail/${message.id}`}>{message.subject}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
