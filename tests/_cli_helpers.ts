/** Running the commands as a user does, in a subprocess. */

import assert from "node:assert/strict";
import { DENO, ROOT } from "./_helpers.ts";

/** Output of one command run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cli/<file>` with `args` in `cwd` (default: the repository), without a terminal. */
export async function runCommand(file: string, args: string[], cwd?: string): Promise<CliRun> {
  const out = await new Deno.Command(DENO, {
    args: [
      "run",
      "--config",
      new URL("deno.json", ROOT).pathname,
      "--allow-read",
      "--allow-write",
      "--allow-env",
      new URL(`cli/${file}`, ROOT).pathname,
      ...args,
    ],
    cwd: cwd ?? new URL(".", ROOT).pathname,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Generates the tests' small set (20,000 ratings, 200 users, 300 movies) into `out` (relative to `cwd`). */
export async function generateSmallSet(out: string, cwd?: string): Promise<void> {
  const gen = await runCommand(
    "gen_data.ts",
    ["--out", out, "--ratings", "20000", "--users", "200", "--movies", "300"],
    cwd,
  );
  assert.equal(gen.code, 0, gen.stderr);
}
