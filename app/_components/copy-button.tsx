"use client";

import { useEffect, useState } from "react";

/**
 * Copies `text` to the clipboard. Rendered only once JavaScript runs (progressive enhancement):
 * without it there is no button that would do nothing.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState("");
  // The server renders nothing; the button appears after hydration, where a clipboard exists.
  // eslint-disable-next-line react-hooks/set-state-in-effect -- runs once, to learn that JavaScript runs
  useEffect(() => setReady(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  if (!ready) return null;

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied.");
    } catch {
      setStatus("Could not copy: select the codes and copy them yourself.");
    }
  }

  return (
    <>
      <button type="button" className="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" className="aside">
        {status}
      </span>
    </>
  );
}
