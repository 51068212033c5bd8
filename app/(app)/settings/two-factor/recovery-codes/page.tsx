import type { Metadata } from "next";
import Link from "next/link";
import { CopyButton } from "@/app/_components/copy-button";
import { requireUser } from "@/lib/auth/current-user";
import { readRecoveryCodesFlash } from "@/lib/two-factor";

export const metadata: Metadata = { title: "Recovery codes" };

/** The text file the download link holds: the codes and what they are for, nothing else about the account. */
function codesFile(codes: string[]): string {
  return [
    "Cloakroom recovery codes",
    "Each code signs you in once, instead of a code from your authenticator app.",
    "",
    ...codes,
    "",
  ].join("\n");
}

// The codes come from a flash that the proxy clears on this page's GET (lib/two-factor): they are
// shown once, and a reload, the back button or another tab finds none. Only hashes are kept.
export default async function RecoveryCodesPage() {
  const { user } = await requireUser();
  const codes = await readRecoveryCodesFlash(user.id);
  if (!codes) {
    return (
      <section className="card narrow">
        <h1>Recovery codes</h1>
        <p>
          Recovery codes are shown only once, right after they are made, and this page no longer has them. If you did
          not save them, make a new set (the old one stops working) on the{" "}
          <Link href="/settings/two-factor">two-factor page</Link>.
        </p>
      </section>
    );
  }
  const file = codesFile(codes);
  return (
    <section className="card narrow">
      <h1>Your recovery codes</h1>
      <p role="status" className="notice">
        Save these codes now: <strong>they will not be shown again</strong>.
      </p>
      <p className="aside">
        If you lose your phone, each code signs you in once instead of an authenticator code. Keep them somewhere safe,
        such as a password manager. Making new codes later makes these stop working.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        {/* A data: URL needs no script and no request: the codes never leave this page's one response. */}
        <a className="button-link" download="cloakroom-recovery-codes.txt" href={`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`}>
          Download as text
        </a>
        <CopyButton text={codes.join("\n")} label="Copy codes" />
      </div>
      <p>
        <Link href="/settings/two-factor">I have saved them: back to two-factor settings</Link>
      </p>
    </section>
  );
}
