/**
 * movie-recommender: predicts how a user will rate a movie with Probabilistic
 * Matrix Factorization, enriched with TMDB metadata, on a threaded SIMD
 * WebAssembly core.
 *
 * This release exposes the numeric core: a shared-memory WebAssembly
 * instance ({@link WasmCore}) and a pool of Workers that run its kernels
 * over the same memory ({@link WorkerPool}). Training, prediction and
 * recommendation build on these.
 *
 * @example Score one user against every movie, on two Workers
 * ```ts
 * import { WasmCore, WorkerPool } from "./mod.ts";
 *
 * const core = await WasmCore.create();
 * const k = 4, movies = 6;
 * using user = core.allocArray(Float32Array, k);
 * using factors = core.allocArray(Float32Array, movies * k);
 * using scores = core.allocArray(Float32Array, movies);
 * user.view.set([1, 0, 0, 0]);
 * factors.view.set([0.5, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0.25, 0, 0, 0]);
 *
 * await using pool = await WorkerPool.create(core, { threads: 2 });
 * const half = movies / 2;
 * await pool.runAll([0, 1].map((w) => ({
 *   kernel: "scoreMovies" as const,
 *   args: [user.ptr, factors.ptr, k, k, 0, 3.5, w * half, half, scores.ptr],
 * })));
 * console.log(Array.from(scores.view)); // [4, 4.5, 2.5, 3.5, 5.5, 3.75]
 * ```
 *
 * @module
 */

export {
  ABI_VERSION,
  compileCore,
  CoreArray,
  type CoreSymbol,
  type KernelName,
  type ScoreMoviesArgs,
  type TypedArrayConstructor,
  WASM_URL,
  WasmCore,
  WasmCoreError,
  type WasmCoreOptions,
  type WorkerRegion,
} from "./lib/wasm.ts";
export { defaultThreads, type PoolTask, WorkerPool, type WorkerPoolOptions } from "./lib/pool.ts";
