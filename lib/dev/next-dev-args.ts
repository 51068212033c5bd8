// The demo users' passwords are in the README: a development server is for this machine only
// unless its user says otherwise (issue 12). Next's own default is every interface.
const LOOPBACK = "127.0.0.1";

/** `next dev` arguments: the user's own, with the host pinned to loopback unless they chose one. */
export function nextDevArgs(userArgs: string[]): string[] {
  const choosesHost = userArgs.some((arg) => arg === "-H" || arg === "--hostname" || arg.startsWith("--hostname="));
  return ["dev", ...(choosesHost ? [] : ["--hostname", LOOPBACK]), ...userArgs];
}
