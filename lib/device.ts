import Bowser from "bowser";

/** "Firefox on macOS" from a user agent, for the sessions list; honest about what it can't tell. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return (browser ?? os)!;
  return userAgent.length > 40 ? `${userAgent.slice(0, 40)}…` : userAgent;
}
