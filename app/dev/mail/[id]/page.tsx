import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { splitLinks } from "@/lib/mail/links";
import { devOutboxAvailable, OutboxIdSchema, readOutboxMessage } from "@/lib/mail/outbox";
import styles from "../outbox.module.css";

export const metadata: Metadata = { title: "Development outbox", robots: { index: false } };

/** The text part with its http(s) links clickable; React escapes everything else. */
function LinkedText({ text }: { text: string }) {
  return (
    <pre className={styles.body}>
      {splitLinks(text).map((part, index) =>
        part.kind === "link" ? (
          <a key={index} href={part.value}>
            {part.value}
          </a>
        ) : (
          part.value
        ),
      )}
    </pre>
  );
}

export default async function OutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  if (!devOutboxAvailable()) notFound();
  // Only the outbox's own id shape reaches the disk: no "/", no "..".
  const id = OutboxIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const message = await readOutboxMessage(id.data);
  if (!message) notFound();
  return (
    <section className="card wide">
      <p>
        <Link href="/dev/mail">← Development outbox</Link>
      </p>
      <h1>{message.subject}</h1>
      <dl className="facts">
        <dt>From</dt>
        <dd>{message.from}</dd>
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Date</dt>
        <dd>
          <time dateTime={message.createdAt}>{new Date(message.createdAt).toUTCString()}</time>
        </dd>
        <dt>Kind</dt>
        <dd>{message.kind}</dd>
      </dl>
      <h2>Text</h2>
      <LinkedText text={message.text} />
      <details>
        <summary>HTML part (source)</summary>
        <pre className={styles.body}>{message.html}</pre>
      </details>
    </section>
  );
}
