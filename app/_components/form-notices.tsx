/** The outcome of a no-JavaScript form post, from whitelisted message codes (lib/auth/form-state.ts). */
export function FormNotices({ notice, error }: { notice?: string; error?: string }) {
  return (
    <>
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
    </>
  );
}
