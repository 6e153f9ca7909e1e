/**
 * The implicit-feedback model: which movies a user is likely to rate (iALS,
 * see core-wasm/src/implicit.rs for the loss). It ranks; the rating model
 * predicts how much. Trained by alternating least squares: each half-sweep
 * sums the fixed side's Gram matrix in fixed row ranges (added in range
 * order), then solves the other side's rows on the pool's Workers. Every row
 * is solved independently, so a seed gives the same factors whatever the
 * number of Workers.
 *
 * @module
 */

import type { CoreArray, WasmCore } from "../core/wasm.ts";
import type { PoolTask, WorkerPool } from "../core/pool.ts";
import { strideFor } from "../model/model.ts";
import { Rng } from "../util/_random.ts";
import { globalLists, type RankingReport, type RankingTask, scoreSystem } from "../evaluate/ranking.ts";
import { type CoreRows, holdOut, Observations } from "./implicit_data.ts";
import { implicitLists } from "../serve/ranking_lists.ts";

/** Settings of {@link trainImplicit}. */
export interface ImplicitConfig {
  /** Factors per row. */
  k: number;
  /** Alternating sweeps of the final fit (each solves users, then movies). */
  iterations: number;
  /** Weight of the unobserved (user, movie) pairs, α0. */
  alpha0: number;
  /**
   * Regularisation λ (scaled per row by (observed + α0·other rows)^ν). With
   * several values, the one whose fit ranks a held-out share of each user's
   * ratings best (NDCG@10) is chosen, then the model is fitted on everything.
   */
  reg: number[];
  /** Exponent ν of the scaling. */
  nu: number;
  /** Conjugate-gradient steps per row and half-sweep. */
  cgSteps: number;
  /** Standard deviation of the initial factors, times 1/√k. */
  initScale: number;
  /** Seed of the initial factors and of the held-out share. */
  seed: number;
  /** A rating r counts as an observation of weight max(minWeight, r − weightOffset). */
  weightOffset: number;
  /** Smallest weight of an observation. */
  minWeight: number;
  /** Sweeps of each fit while choosing λ. */
  selectIterations: number;
  /** Share of each user's ratings held out while choosing λ. */
  holdout: number;
  /** Smallest held-out rating that counts as a hit while choosing λ. */
  relevant: number;
}

/**
 * Defaults, chosen with `deno task evaluate` on ml-latest-small (tuned on an
 * inner time split, then checked on the protocol's split) and the generated set.
 */
export function defaultImplicitConfig(): ImplicitConfig {
  return {
    k: 128,
    iterations: 12,
    alpha0: 1,
    reg: [0.003, 0.01, 0.03],
    nu: 1,
    cgSteps: 3,
    initScale: 0.1,
    seed: 42,
    weightOffset: 2.5,
    minWeight: 0.1,
    selectIterations: 6,
    holdout: 0.1,
    relevant: 4,
  };
}

/** The two sides' factors in shared memory (`rows × stride` each, padding lanes zero). */
export class ImplicitFactors implements Disposable {
  /** Factors per row, and floats per row. */
  readonly k: number;
  readonly stride: number;
  /** User rows, then movie rows. */
  readonly users: CoreArray<Float32Array>;
  readonly movies: CoreArray<Float32Array>;
  readonly nUsers: number;
  readonly nMovies: number;

  /** Allocates zeroed factors. */
  constructor(core: WasmCore, nUsers: number, nMovies: number, k: number) {
    this.k = k;
    this.stride = strideFor(k);
    this.nUsers = nUsers;
    this.nMovies = nMovies;
    [this.users, this.movies] = core.allocArrays(
      Float32Array,
      [Math.max(1, nUsers) * this.stride, Math.max(1, nMovies) * this.stride],
      64,
    );
  }

  /** Releases the arrays. */
  free(): void {
    this.users.free();
    this.movies.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Row ranges the Gram matrix is summed over, whatever the number of Workers. */
const GRAM_RANGES = 8;

/** Ranges of about equal work (observed pairs plus a row's fixed cost) for the solves. */
function solveRanges(indptr: Uint32Array, parts: number): [number, number][] {
  const rows = indptr.length - 1, total = indptr[rows] + rows * 64;
  const out: [number, number][] = [];
  let first = 0;
  for (let p = 1; p <= parts && first < rows; p++) {
    const target = (total * p) / parts;
    let last = first + 1;
    while (last < rows && indptr[last] + last * 64 < target) last++;
    if (p === parts) last = rows;
    out.push([first, last]);
    first = last;
  }
  return out;
}

/** Progress of {@link trainImplicit}: after each sweep, the summed squared CG residuals. */
export type ImplicitProgress = (iteration: number, residual: number) => void;

/**
 * Fits the implicit model with one λ for `iterations` sweeps on the
 * observations; runs on the pool's Workers, or on this thread without a pool.
 */
export async function fitImplicit(
  core: WasmCore,
  pool: WorkerPool | null,
  observations: Observations,
  config: ImplicitConfig,
  fit: { reg: number; iterations: number },
  onProgress?: ImplicitProgress,
): Promise<ImplicitFactors> {
  const nUsers = observations.byUser.rows, nMovies = observations.byMovie.rows;
  const factors = new ImplicitFactors(core, nUsers, nMovies, config.k);
  const { stride, k } = factors;
  const rng = new Rng(config.seed, 0x1a15);
  const scale = config.initScale / Math.sqrt(k);
  for (const side of [factors.users, factors.movies]) {
    const v = side.view;
    for (let r = 0; r < v.length / stride; r++) {
      for (let j = 0; j < k; j++) v[r * stride + j] = Math.fround(rng.normal() * scale);
    }
  }
  const csr = [observations.byUser, observations.byMovie];
  const partials = core.allocArrays(Float32Array, Array(GRAM_RANGES).fill(stride * stride), 64);
  const gram = core.allocArray(Float32Array, stride * stride, 64);
  const run = async <K extends "implicitGram" | "implicitSolve">(tasks: PoolTask<K>[]) => {
    if (pool) return await pool.runAll(tasks);
    // deno-lint-ignore no-explicit-any
    return tasks.map((t) => core.call(t.kernel, t.args as any));
  };
  try {
    for (let it = 1; it <= fit.iterations; it++) {
      let residual = 0;
      for (const solveUsers of [true, false]) {
        const [x, other] = solveUsers ? [factors.users, factors.movies] : [factors.movies, factors.users];
        const [nRows, nOther] = solveUsers ? [nUsers, nMovies] : [nMovies, nUsers];
        for (const p of partials) p.view.fill(0);
        await run(Array.from({ length: GRAM_RANGES }, (_, i): PoolTask<"implicitGram"> => ({
          kernel: "implicitGram",
          args: [
            other.ptr,
            Math.floor((nOther * i) / GRAM_RANGES),
            Math.floor((nOther * (i + 1)) / GRAM_RANGES),
            stride,
            partials[i].ptr,
          ],
        })));
        const g = gram.view;
        g.set(partials[0].view);
        for (let i = 1; i < GRAM_RANGES; i++) {
          const p = partials[i].view;
          for (let j = 0; j < g.length; j++) g[j] += p[j];
        }
        const side = csr[solveUsers ? 0 : 1];
        const sums = await run(
          solveRanges(side.indptr.view, Math.max(1, (pool?.size ?? 1) * 4)).map((
            [first, last],
          ): PoolTask<"implicitSolve"> => ({
            kernel: "implicitSolve",
            args: [
              x.ptr,
              nRows,
              first,
              last,
              side.indptr.ptr,
              side.indices.ptr,
              side.weights.ptr,
              other.ptr,
              nOther,
              gram.ptr,
              stride,
              config.alpha0,
              fit.reg,
              config.nu,
              config.cgSteps,
            ],
          })),
        );
        for (const s of sums) residual += s as number;
      }
      onProgress?.(it, residual);
    }
  } catch (error) {
    factors.free();
    throw error;
  } finally {
    for (const p of partials) p.free();
    gram.free();
  }
  return factors;
}

/** Users whose held-out lists are scored while choosing λ (a seeded sample when there are more). */
export const SELECTION_USERS = 5000;

/** The outcome of {@link trainImplicit}. */
export interface ImplicitFit {
  /** The final factors; the caller owns them. */
  factors: ImplicitFactors;
  /** The λ used. */
  reg: number;
  /** With several candidate λ: each one's NDCG@10 on the held-out share. */
  selection: { reg: number; ndcg: number }[];
}

/** Progress of {@link trainImplicit}: the stage, and sweeps done of the stage's total. */
export type TrainImplicitProgress = (stage: string, done: number, total: number) => void;

/**
 * Trains the ranking model on users' ratings: chooses λ among
 * `config.reg` on a held-out share when there are several (see
 * {@link ImplicitConfig.reg}), then fits on all of `rows`. Takes ownership
 * of `rows` and frees them as soon as the observations are built from them,
 * so the model's arrays can reuse their memory.
 */
export async function trainImplicit(
  core: WasmCore,
  pool: WorkerPool | null,
  rows: CoreRows,
  nMovies: number,
  config: ImplicitConfig,
  onProgress?: TrainImplicitProgress,
): Promise<ImplicitFit> {
  const selection: { reg: number; ndcg: number }[] = [];
  let reg = config.reg[0], best = -Infinity;
  try {
    if (config.reg.length > 1) {
      const { train, task } = holdOut(core, rows.rows, nMovies, {
        share: config.holdout,
        seed: config.seed,
        relevant: config.relevant,
        maxUsers: SELECTION_USERS,
      });
      let observed: Observations;
      try {
        observed = new Observations(core, train.rows, nMovies, config);
      } finally {
        train.free();
      }
      using _observed = observed;
      for (const candidate of config.reg) {
        const stage = `choosing λ: trying ${candidate}`;
        onProgress?.(stage, 0, config.selectIterations);
        using factors = await fitImplicit(core, pool, observed, config, {
          reg: candidate,
          iterations: config.selectIterations,
        }, (i) => onProgress?.(stage, i, config.selectIterations));
        const ndcg = scoreSystem(task, "", implicitLists(core, factors, task)).at[10].ndcg;
        selection.push({ reg: candidate, ndcg });
        if (ndcg > best) [best, reg] = [ndcg, candidate];
      }
    }
    const stage = `fitting with λ = ${reg}`;
    onProgress?.(stage, 0, config.iterations);
    using observed = new Observations(core, rows.rows, nMovies, config);
    rows.free();
    const factors = await fitImplicit(core, pool, observed, config, {
      reg,
      iterations: config.iterations,
    }, (i) => onProgress?.(stage, i, config.iterations));
    return { factors, reg, selection };
  } finally {
    rows.free();
  }
}

/** Users whose lists the `train` and `cv` reports score (a seeded sample when there are more). */
export const REPORT_USERS = 5000;

/** A fitted ranking model's lists on `task` beside most popular's (the reports of `train` and `cv`). */
export function rankingAgainstPopular(
  core: WasmCore,
  factors: ImplicitFactors,
  task: RankingTask,
): { users: number; systems: RankingReport[] } {
  return {
    users: task.users,
    systems: [
      scoreSystem(task, "ranking model", implicitLists(core, factors, task)),
      scoreSystem(task, "most popular", globalLists(task, task.popularity)),
    ],
  };
}
