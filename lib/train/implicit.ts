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
import { mix32, Rng } from "../util/_random.ts";
import type { Ratings } from "../ingest/ratings.ts";
import { type RankingTask, scoreSystem } from "../evaluate/ranking.ts";
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

/** Each user's rated movies and ratings as a CSR (rows = users). */
export interface RatedRows {
  indptr: Uint32Array;
  movies: Uint32Array;
  ratings: Float32Array;
}

/** The rows of `ratings` (sorted by user) whose index passes `keep`, as {@link RatedRows}. */
export function ratedRows(ratings: Ratings, keep: (row: number) => boolean): RatedRows {
  const off = ratings.userOffsets.view, m = ratings.columns.movies.view, r = ratings.columns.ratings.view;
  const indptr = new Uint32Array(ratings.nUsers + 1);
  let n = 0;
  for (let i = 0; i < ratings.nRatings; i++) if (keep(i)) n++;
  const movies = new Uint32Array(n), values = new Float32Array(n);
  n = 0;
  for (let u = 0; u < ratings.nUsers; u++) {
    for (let i = off[u]; i < off[u + 1]; i++) {
      if (!keep(i)) continue;
      movies[n] = m[i];
      values[n++] = r[i];
    }
    indptr[u + 1] = n;
  }
  return { indptr, movies, ratings: values };
}

/**
 * Observed pairs as a CSR: row r's items are `indices[indptr[r]..indptr[r+1]]`,
 * each with a weight (`weights`, or 1 when absent).
 */
export interface Observed {
  indptr: Uint32Array;
  indices: Uint32Array;
  weights?: Float32Array;
}

/** The transpose of `observed` (`nCols` rows), each row's items in increasing order. */
export function transpose(observed: Observed, nCols: number): Observed {
  const { indptr, indices } = observed;
  const counts = new Uint32Array(nCols + 1);
  for (let i = 0; i < indices.length; i++) counts[indices[i] + 1]++;
  for (let c = 0; c < nCols; c++) counts[c + 1] += counts[c];
  const out = new Uint32Array(indices.length), fill = counts.slice(0, nCols);
  const w = observed.weights, outW = w ? new Float32Array(indices.length) : undefined;
  for (let r = 0; r + 1 < indptr.length; r++) {
    for (let i = indptr[r]; i < indptr[r + 1]; i++) {
      const at = fill[indices[i]]++;
      out[at] = r;
      if (outW) outW[at] = w![i];
    }
  }
  return { indptr: counts, indices: out, weights: outW };
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
 * Fits the implicit model with one λ for `iterations` sweeps on the observed
 * pairs `byUser` (users × movies); runs on the pool's Workers, or on this
 * thread without a pool.
 */
export async function fitImplicit(
  core: WasmCore,
  pool: WorkerPool | null,
  byUser: Observed,
  nUsers: number,
  nMovies: number,
  config: ImplicitConfig,
  fit: { reg: number; iterations: number },
  onProgress?: ImplicitProgress,
): Promise<ImplicitFactors> {
  const byMovie = transpose(byUser, nMovies);
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
  const csr = [byUser, byMovie].map((o) => {
    const [indptr, indices] = core.allocArrays(Uint32Array, [o.indptr.length, Math.max(1, o.indices.length)]);
    indptr.view.set(o.indptr);
    indices.view.set(o.indices);
    const weights = o.weights ? core.allocArray(Float32Array, Math.max(1, o.weights.length)) : null;
    weights?.view.set(o.weights!);
    return { indptr, indices, weights, host: o };
  });
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
          solveRanges(side.host.indptr, Math.max(1, (pool?.size ?? 1) * 4)).map((
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
              side.weights?.ptr ?? 0,
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
    for (const c of csr) {
      c.indptr.free();
      c.indices.free();
      c.weights?.free();
    }
    for (const p of partials) p.free();
    gram.free();
  }
  return factors;
}

/** Observations with their weights from the ratings (see {@link ImplicitConfig.weightOffset}). */
export function weighted(rows: RatedRows, config: ImplicitConfig): Observed {
  const weights = new Float32Array(rows.ratings.length);
  for (let i = 0; i < weights.length; i++) {
    weights[i] = Math.max(config.minWeight, rows.ratings[i] - config.weightOffset);
  }
  return { indptr: rows.indptr, indices: rows.movies, weights };
}

/** The outcome of {@link trainImplicit}. */
export interface ImplicitFit {
  /** The final factors; the caller owns them. */
  factors: ImplicitFactors;
  /** The λ used. */
  reg: number;
  /** With several candidate λ: each one's NDCG@10 on the held-out share. */
  selection: { reg: number; ndcg: number }[];
}

/** A held-out share of each user's ratings: a seeded hash of (user, movie) picks them. */
function holdOut(
  rows: RatedRows,
  config: ImplicitConfig,
  nMovies: number,
): { train: RatedRows; task: RankingTask } {
  const nUsers = rows.indptr.length - 1;
  const cut = Math.floor(config.holdout * 2 ** 32);
  const out = (u: number, i: number) =>
    rows.indptr[u + 1] - rows.indptr[u] >= 5 && mix32(config.seed ^ mix32(u ^ mix32(rows.movies[i]))) < cut;
  const indptr = new Uint32Array(nUsers + 1);
  const movies: number[] = [], ratings: number[] = [];
  const known: Uint32Array[] = [], relevant: (Set<number> | null)[] = [];
  const popularity = new Uint32Array(nMovies), ratingSum = new Float64Array(nMovies);
  let users = 0;
  for (let u = 0; u < nUsers; u++) {
    const mine: number[] = [];
    let rel: Set<number> | null = null;
    for (let i = rows.indptr[u]; i < rows.indptr[u + 1]; i++) {
      const m = rows.movies[i];
      if (out(u, i)) {
        if (rows.ratings[i] >= config.relevant) (rel ??= new Set()).add(m);
        continue;
      }
      movies.push(m);
      ratings.push(rows.ratings[i]);
      mine.push(m);
      popularity[m]++;
      ratingSum[m] += rows.ratings[i];
    }
    indptr[u + 1] = movies.length;
    known.push(Uint32Array.from(mine).sort());
    relevant.push(rel);
    if (rel) users++;
  }
  let catalogue = 0;
  for (let m = 0; m < nMovies; m++) if (popularity[m] > 0) catalogue++;
  return {
    train: { indptr, movies: Uint32Array.from(movies), ratings: Float32Array.from(ratings) },
    task: { nUsers, nMovies, known, relevant, popularity, ratingSum, catalogue, users },
  };
}

/**
 * Trains the ranking model on users' ratings: chooses λ among
 * `config.reg` on a held-out share when there are several (see
 * {@link ImplicitConfig.reg}), then fits on all of `rows`.
 */
export async function trainImplicit(
  core: WasmCore,
  pool: WorkerPool | null,
  rows: RatedRows,
  nMovies: number,
  config: ImplicitConfig,
  onProgress?: (stage: string) => void,
): Promise<ImplicitFit> {
  const nUsers = rows.indptr.length - 1;
  const selection: { reg: number; ndcg: number }[] = [];
  let reg = config.reg[0], best = -Infinity;
  if (config.reg.length > 1) {
    const { train, task } = holdOut(rows, config, nMovies);
    const observed = weighted(train, config);
    for (const candidate of config.reg) {
      onProgress?.(`choosing λ: trying ${candidate}`);
      using factors = await fitImplicit(core, pool, observed, nUsers, nMovies, config, {
        reg: candidate,
        iterations: config.selectIterations,
      });
      const ndcg = scoreSystem(task, "", implicitLists(core, factors, task)).at[10].ndcg;
      selection.push({ reg: candidate, ndcg });
      if (ndcg > best) [best, reg] = [ndcg, candidate];
    }
  }
  onProgress?.(`fitting with λ = ${reg}`);
  const factors = await fitImplicit(core, pool, weighted(rows, config), nUsers, nMovies, config, {
    reg,
    iterations: config.iterations,
  });
  return { factors, reg, selection };
}
