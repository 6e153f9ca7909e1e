/**
 * Core kernels: load time, dot-product throughput, and scoring one user
 * against every movie of an ML-20M-shaped model on 1 thread and on the pool.
 */

import { WorkerPool } from "../lib/core/pool.ts";
import { compileCore, scoreArgs, WasmCore } from "../lib/core/wasm.ts";
import { median, round, timeRuns } from "./_report.ts";

/** Runs the section and returns its figures. */
export async function benchCore(threads: number): Promise<Record<string, unknown>> {
  const loadTimes = await timeRuns(
    async () => {
      const module = await compileCore();
      await WasmCore.create({ module });
    },
    5,
    1,
  );

  const core = await WasmCore.create();
  const movies = 26_744, k = 64;
  using user = core.allocArray(Float32Array, k);
  using factors = core.allocArray(Float32Array, movies * k);
  using out = core.allocArray(Float32Array, movies);
  const f = factors.view;
  for (let i = 0; i < f.length; i++) f[i] = Math.sin(i) * 0.1;
  user.view.fill(0.1);
  const base = { user: user.ptr, userBias: 0, mu: 3.5, factors: factors.ptr, stride: k, k, bias: 0 };

  const dotRuns = 200_000;
  const dotTimes = await timeRuns(() => {
    for (let i = 0; i < dotRuns; i++) core.dot(user.ptr, factors.ptr + (i % movies) * k * 4, k);
  }, 5);
  const scoreSimd = await timeRuns(
    () => core.scoreMovies({ ...base, first: 0, count: movies, out: out.ptr }),
    50,
  );
  const scoreScalar = await timeRuns(
    () => core.scoreMovies({ ...base, first: 0, count: movies, out: out.ptr }, true),
    50,
  );

  await using pool = await WorkerPool.create(core, { threads });
  const per = Math.ceil(movies / threads);
  const tasks = Array.from({ length: threads }, (_, w) => {
    const first = Math.min(movies, w * per);
    return {
      kernel: "scoreMovies" as const,
      args: scoreArgs({ ...base, first, count: Math.min(per, movies - first), out: out.ptr + 4 * first }),
    };
  });
  const scorePool = await timeRuns(() => pool.runAll(tasks), 50, 5);

  const simdMs = median(scoreSimd);
  return {
    load_ms: round(median(loadTimes)),
    dot_k64_calls_per_s: Math.round(dotRuns / (median(dotTimes) / 1000)),
    score_all_movies: { movies, k },
    score_simd_ms: round(simdMs),
    score_scalar_ms: round(median(scoreScalar)),
    simd_speedup: round(median(scoreScalar) / simdMs, 2),
    score_gflops: round((2 * movies * k) / (simdMs / 1000) / 1e9, 2),
    score_pool_ms: round(median(scorePool)),
    pool_threads: threads,
  };
}
