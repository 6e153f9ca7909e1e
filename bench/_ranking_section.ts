/**
 * The ranking section of `deno task bench`: the ranking model (implicit ALS)
 * on the ML-20M-shaped set — seconds per sweep, the whole default fit (λ
 * chosen among the defaults, then the final fit), and one user's top 10 over
 * every movie.
 */

import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { defaultImplicitConfig, fitImplicit, trainImplicit } from "../lib/train/implicit.ts";
import { Observations, ratedRows } from "../lib/train/implicit_data.ts";
import { ml20mShape } from "./_ingest_section.ts";
import { Ranker } from "../lib/serve/ranker.ts";
import { median, peakRssMiB, round } from "./_report.ts";

/** Runs the section on `threads` Workers. */
export async function benchRanking(threads: number): Promise<Record<string, unknown>> {
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, await ml20mShape(), { threads });
  using _r = ratings;
  await using pool = await WorkerPool.create(core, { threads });
  const config = defaultImplicitConfig();
  const rows = ratedRows(core, ratings, () => true);
  const sweeps: number[] = [];
  let last = performance.now();
  {
    using observed = new Observations(core, rows.rows, ratings.nMovies, config);
    using _f = await fitImplicit(
      core,
      pool,
      observed,
      config,
      {
        reg: config.reg[0],
        iterations: 3,
      },
      () => {
        const now = performance.now();
        sweeps.push((now - last) / 1000);
        last = now;
      },
    );
  }
  const t = performance.now();
  const fit = await trainImplicit(core, pool, rows, ratings.nMovies, config);
  const fitSeconds = (performance.now() - t) / 1000;
  using ranker = new Ranker(core, fit.factors, config, fit.reg);
  const factors = ranker.factors;
  const { stride, k, nMovies } = factors;
  using ids = core.allocArray(Uint32Array, 10);
  using scores = core.allocArray(Float32Array, 10);
  const top10: number[] = [];
  for (let i = 0; i < 60; i++) {
    const u = (i * 7919) % ratings.nUsers;
    const start = performance.now();
    core.kernels.topMovies(
      factors.users.ptr + u * stride * 4,
      0,
      0,
      factors.movies.ptr,
      stride,
      k,
      0,
      nMovies,
      0,
      0,
      10,
      ids.ptr,
      scores.ptr,
    );
    if (i >= 10) top10.push(performance.now() - start);
  }
  // Every user's top 10 at once, their rated movies left out.
  const batch: number[] = [];
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    await ranker.topAll(pool, { offsets: ratings.userOffsets.view, movies: ratings.columns.movies.view }, 10);
    batch.push((performance.now() - start) / 1000);
  }
  return {
    threads,
    k,
    ratings: ratings.nRatings,
    sweep_seconds: sweeps.map((s) => round(s, 2)),
    sweep_seconds_median: round(median(sweeps), 2),
    default_fit_seconds: round(fitSeconds, 1),
    chosen_reg: fit.reg,
    selection: fit.selection,
    top10_one_user_ms: round(median(top10), 3),
    top10_all_users_seconds: batch.map((b) => round(b, 2)),
    users: ratings.nUsers,
    peak_rss_mib: round(peakRssMiB() ?? NaN, 1),
  };
}
