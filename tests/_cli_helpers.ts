/** Running the commands as a user does, in a subprocess. */

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
