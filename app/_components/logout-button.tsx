/** A plain form: signing out works with or without JavaScript, and is a POST (never a link). */
export function LogoutButton({ label = "Sign out" }: { label?: string }) {
  return (
    <form method="post" action="/api/auth/logout" className="inline-form">
      <button type="submit" className="link-button">
        {label}
      </button>
    </form>
  );
}
