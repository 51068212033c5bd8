import { text } from "node:stream/consumers";

/**
 * A password from the terminal without echoing it, or, when standard input is not a terminal,
 * its first line (so it can be piped from a secret store). Never from the command line.
 */
export async function readPassword(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return (await text(input)).split(/\r?\n/)[0] ?? "";
  process.stdout.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  let typed = "";
  try {
    return await new Promise<string>((resolve, reject) => {
      input.on("data", (chunk: string) => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n") return resolve(typed);
          if (char === "\u0003") return reject(new Error("cancelled"));
          if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("");
          else typed += char;
        }
      });
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stdout.write("\n");
  }
}
