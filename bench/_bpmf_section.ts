/**
 * The Bayesian PMF section of `deno task bench`: seconds per Gibbs sweep at
 * k = 32 on the ML-20M-shaped set on 1 Worker and on the requested number,
 * medians of a few sweeps after the first (the sampler's work does not change
 * from sweep to sweep).
 */

import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { BPMF_DEFAULTS, BpmfState, runSweep } from "../lib/train/bpmf.ts";
import { TrainingCsrs } from "../lib/train/bpmf_data.ts";
import { ml20mShape } from "./_ingest_section.ts";
import { median, round } from "./_report.ts";

/** Sweeps timed per thread count (after one untimed). */
const SWEEPS = 3;

/** Runs the section on 1 and `threads` Workers. */
export async function benchBpmf(threads: number): Promise<Record<string, unknown>> {
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, await ml20mShape(), { threads });
  using _r = ratings;
  using data = new TrainingCsrs(core, ratings, () => true);
  const out: Record<string, unknown> = { ratings: data.n, k: 32 };
  for (const n of [...new Set([1, threads])]) {
    await using pool = await WorkerPool.create(core, { threads: n });
    using state = new BpmfState(core, ratings.nUsers, ratings.nMovies, {
      ...BPMF_DEFAULTS,
      k: 32,
      burnIn: 100,
    });
    const seconds: number[] = [];
    let alpha = 2;
    for (let s = 0; s <= SWEEPS; s++) {
      const t = performance.now();
      alpha = (await runSweep({ core, pool, data, state, sums: [] }, s, alpha)).alpha;
      if (s > 0) seconds.push((performance.now() - t) / 1000);
    }
    out[`sweep_seconds_${n}_threads`] = round(median(seconds), 3);
    out[`sweep_seconds_${n}_threads_range`] = [
      round(Math.min(...seconds), 3),
      round(Math.max(...seconds), 3),
    ];
  }
  return out;
}
