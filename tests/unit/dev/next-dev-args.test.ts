import { describe, expect, it } from "vitest";
import { nextDevArgs } from "@/lib/dev/next-dev-args";

describe("nextDevArgs", () => {
  it("binds the development server to loopback by default", () => {
    expect(nextDevArgs([])).toEqual(["dev", "--hostname", "127.0.0.1"]);
    expect(nextDevArgs(["-p", "4000"])).toEqual(["dev", "--hostname", "127.0.0.1", "-p", "4000"]);
  });

  it("keeps a host the user chose, in any spelling", () => {
    expect(nextDevArgs(["-H", "0.0.0.0"])).toEqual(["dev", "-H", "0.0.0.0"]);
    expect(nextDevArgs(["--hostname", "0.0.0.0"])).toEqual(["dev", "--hostname", "0.0.0.0"]);
    expect(nextDevArgs(["--hostname=0.0.0.0"])).toEqual(["dev", "--hostname=0.0.0.0"]);
  });
});
