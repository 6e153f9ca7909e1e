/**
 * The calibration table of Bayesian PMF's 90% intervals by the movie's
 * training ratings (`cv --method bpmf`, `train --method bpmf`).
 *
 * @module
 */

import type { CalibrationBucket } from "../lib/train/bpmf_split.ts";
import { fmtInt } from "./_cli.ts";
import { table } from "./_table.ts";

/** One table over several runs' buckets (the same edges), their ratings pooled. */
export function calibrationTable(runs: CalibrationBucket[][]): string {
  const rows = runs[0].map((b, i) => {
    const all = runs.map((r) => r[i]);
    const n = all.reduce((a, x) => a + x.n, 0);
    const pooled = (key: "coverage90" | "meanWidth90") =>
      all.reduce((a, x) => a + (x.n ? x[key] * x.n : 0), 0) / n;
    const rmse = Math.sqrt(all.reduce((a, x) => a + (x.n ? x.rmse ** 2 * x.n : 0), 0) / n);
    const range = b.maxRatings === Infinity
      ? `${b.minRatings}+`
      : b.minRatings === b.maxRatings
      ? `${b.minRatings}`
      : `${b.minRatings}–${b.maxRatings}`;
    return n
      ? [
        range,
        fmtInt(n),
        rmse.toFixed(4),
        `${(100 * pooled("coverage90")).toFixed(1)}%`,
        `± ${(pooled("meanWidth90") / 2).toFixed(2)}`,
      ]
      : [range, "0", "—", "—", "—"];
  });
  return table(
    ["movie's training ratings", "test ratings", "RMSE", "inside 90% interval", "mean interval"],
    rows,
    [1, 2, 3, 4],
  );
}
