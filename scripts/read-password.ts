import type { Readable, Writable } from "node:stream";
import { text } from "node:stream/consumers";

/** Standard input, or anything shaped like it (a test's stream). */
type PasswordInput = Readable & { isTTY?: boolean; setRawMode(mode: boolean): unknown };

/**
 * A password from the terminal without echoing it, or, when standard input is not a terminal,
 * its first line (so it can be piped from a secret store). Never from the command line.
 */
export async function readPassword(prompt: string, input: PasswordInput = process.stdin, output: Writable = process.stdout): Promise<string> {
  if (!input.isTTY) return (await text(input)).split(/\r?\n/)[0] ?? "";
  output.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  let typed = "";
  let onData: ((chunk: string) => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n") return resolve(typed);
          if (char === "\u0003") return reject(new Error("cancelled"));
          if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("");
          else typed += char;
        }
      };
      input.on("data", onData);
    });
  } finally {
    if (onData) input.off("data", onData);
    input.setRawMode(false);
    input.pause();
    output.write("\n");
  }
}
