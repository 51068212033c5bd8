import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { readPassword } from "@/scripts/read-password";

// Issue 12 item 5: `npm run user:create` asks for the password on a terminal without echoing it.
// A PassThrough stands in for the terminal: isTTY set, raw mode recorded, keys written to it.

function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: vi.fn() });
  const output = new PassThrough();
  let shown = "";
  output.setEncoding("utf8").on("data", (chunk: string) => (shown += chunk));
  return { input, output, shown: () => shown };
}

describe("readPassword on a terminal", () => {
  it("prompts, reads keys in raw mode until Enter, honours backspace, and never echoes the password", async () => {
    const { input, output, shown } = terminal();
    const password = readPassword("Password: ", input, output);
    expect(input.setRawMode).toHaveBeenCalledWith(true);
    input.write("hunter2x");
    input.write("\u007f"); // Backspace (DEL, as a terminal in raw mode sends it)
    input.write("\b"); // and Ctrl-H
    input.write("ZZ\rafter");
    expect(await password).toBe("hunterZZ");
    expect(input.setRawMode).toHaveBeenLastCalledWith(false);
    expect(input.isPaused()).toBe(true);
    expect(input.listenerCount("data")).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shown()).toBe("Password: \n");
    for (const fragment of ["hunter", "ZZ", "*"]) expect(shown()).not.toContain(fragment);
  });

  it("Ctrl-C cancels and leaves the terminal out of raw mode", async () => {
    const { input, output } = terminal();
    const password = readPassword("Password: ", input, output);
    input.write("secret\u0003");
    await expect(password).rejects.toThrow(/cancelled/);
    expect(input.setRawMode).toHaveBeenLastCalledWith(false);
  });

  it("not a terminal: the first line of the input, and nothing written", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false, setRawMode: vi.fn() });
    const output = new PassThrough();
    const password = readPassword("Password: ", input, output);
    input.end("piped passphrase\nsecond line\n");
    expect(await password).toBe("piped passphrase");
    expect(input.setRawMode).not.toHaveBeenCalled();
    expect(output.read()).toBeNull();
  });
});
