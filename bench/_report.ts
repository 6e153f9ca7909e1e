/** Shared helpers for benchmark sections: timing, peak RSS, results file. */

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `fn` `warmup` times, then `runs` times; returns each run's milliseconds. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

/** Peak resident set size of this process in MiB (Linux `VmHWM`), or null elsewhere. */
export function peakRssMiB(): number | null {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const m = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Rounds for a readable JSON file. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Writes `sections` into the results file at `path`, keeping the sections an
 * earlier run recorded there that this run did not measure (so `--peers` and
 * `--only` add to the record instead of erasing it); `info` (date, machine)
 * goes beside each section it describes.
 */
export async function recordSections(
  path: string,
  sections: Record<string, unknown>,
  info: Record<string, unknown>,
): Promise<void> {
  let kept: Record<string, unknown> = {};
  try {
    const old = JSON.parse(await Deno.readTextFile(path));
    if (old && typeof old.sections === "object" && old.sections) kept = old.sections;
  } catch {
    // No earlier record (or not one of ours): start afresh.
  }
  const stamped = Object.fromEntries(
    Object.entries(sections).map(([name, s]) => [name, { ...info, ...s as object }]),
  );
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    path,
    JSON.stringify({ ...info, sections: { ...kept, ...stamped } }, null, 2) + "\n",
  );
}
