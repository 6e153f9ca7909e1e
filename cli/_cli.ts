/**
 * What every command shares: flag parsing with usage errors (exit 2),
 * failures as one clear message (exit 1), and number flags checked in one place.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import pc from "picocolors";

/** A mistake in how the command was called; exits 2. */
export class UsageError extends Error {
  /** Builds the error from its message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses `argv` strictly; unknown flags and missing values become {@link UsageError}s. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
) {
  // "--n -5" would read as two flags: join a negative number to the flag before it, so the range check speaks.
  const args = argv.map((arg, i) => {
    const name = argv[i - 1]?.startsWith("--") ? argv[i - 1].slice(2) : "";
    return name && options[name]?.type === "string" && /^-\d/.test(arg) ? `\0${arg}` : arg;
  }).reduce<string[]>((out, arg) => {
    if (arg.startsWith("\0")) out[out.length - 1] += `=${arg.slice(1)}`;
    else out.push(arg);
    return out;
  }, []);
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ""));
  }
}

/** Reads an integer flag: `fallback` when absent, a {@link UsageError} when invalid. */
export function intFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min = 0,
  max = 2 ** 31 - 1,
): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`Invalid --${name} "${value}": expected an integer in ${min}–${max}`);
  }
  return n;
}

/** Reads a number flag in `[min, max]`. */
export function numberFlag(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`Invalid --${name} "${value}": expected a number in ${min}–${max}`);
  }
  return n;
}

/**
 * Runs a command's main: prints a usage error with a pointer to `--help`
 * (exit 2) or a failure's message (exit 1); stack traces only with PMF_DEBUG=1.
 */
export async function runCli(command: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const debug = Deno.env.get("PMF_DEBUG") === "1";
    if (error instanceof UsageError) {
      console.error(`${pc.red("error:")} ${error.message}\nRun 'deno task ${command} --help' for usage.`);
      Deno.exit(2);
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${pc.red("error:")} ${message}`);
    if (debug && error instanceof Error) console.error(error.stack);
    Deno.exit(1);
  }
}

/** Formats an integer with thousands separators. */
export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Formats milliseconds as "812 ms" or "3.41 s". */
export function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
