import Link from "next/link";

/** Few recovery codes left: time to make new ones, before the last is spent. */
export const FEW_RECOVERY_CODES = 3;

/** How many recovery codes are left, with a warning when few or none are. */
export function RecoveryCodesLeft({ count, settingsLink = false }: { count: number; settingsLink?: boolean }) {
  const text =
    count === 0
      ? "No recovery codes left: if you lose your authenticator, you cannot sign in. Make new ones now."
      : count <= FEW_RECOVERY_CODES
        ? `Only ${count} recovery ${count === 1 ? "code" : "codes"} left. Make new ones soon.`
        : `${count} recovery codes left.`;
  return (
    <p className={count <= FEW_RECOVERY_CODES ? "warning" : "aside"}>
      {text}
      {settingsLink && count <= FEW_RECOVERY_CODES ? (
        <>
          {" "}
          <Link href="/settings/two-factor">Make new recovery codes</Link>.
        </>
      ) : null}
    </p>
  );
}
