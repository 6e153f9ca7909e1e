/**
 * The metadata projection's parameters (W: features × stride, w_b: features)
 * and the training machinery around them: per-movie buffers the passes use,
 * and the between-round update (reduce the per-movie gradient sums into dW,
 * one Adam step, project again). See core-wasm/src/meta.rs.
 *
 * @module
 */

import { Rng } from "../util/_random.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import type { CoreArray, KernelArgs, WasmCore } from "../core/wasm.ts";
import type { PoolTask, WorkerPool } from "../core/pool.ts";

/**
 * Movie ranges the linear projection and its gradient are cut into, whatever
 * the number of Workers: the gradient's partial sums are added in range order,
 * so the result does not depend on how many Workers computed them.
 */
const META_RANGES = 8;

/** `META_RANGES` ranges of about equal numbers of movies. */
function movieRanges(rows: number): [number, number][] {
  return Array.from({ length: META_RANGES }, (_, i) => [
    Math.floor((rows * i) / META_RANGES),
    Math.floor((rows * (i + 1)) / META_RANGES),
  ]);
}

/** The kernels that begin and end a round of passes over the movies' effective rows. */
type RoundKernel = "metaEnter" | "metaLeave" | "metaLeaveAdagrad";

/** Runs the tasks on the pool's Workers, or one after another on this thread without a pool. */
async function runTasks<K extends "metaReduce" | RoundKernel>(
  core: WasmCore,
  pool: WorkerPool | null,
  tasks: PoolTask<K>[],
): Promise<void> {
  if (pool) await pool.runAll(tasks);
  else for (const t of tasks) core.call(t.kernel, t.args);
}

/** Runs `kernel` once per range of the `rows` movies ({@link movieRanges}), with `args(first, last)`. */
function onMovieRanges<K extends RoundKernel>(
  core: WasmCore,
  pool: WorkerPool | null,
  kernel: K,
  rows: number,
  args: (first: number, last: number) => KernelArgs<K>,
): Promise<void> {
  return runTasks(
    core,
    pool,
    movieRanges(rows).map(([first, last]): PoolTask<K> => ({ kernel, args: args(first, last) })),
  );
}

/** A model's movie rows and biases, as {@link MetaTrainer.enter} moves them. */
export interface MovieRows {
  /** Movie factor rows, `nMovies × stride`. */
  q: CoreArray<Float32Array>;
  /** Movie biases. */
  bi: CoreArray<Float32Array>;
  /** Floats per row. */
  stride: number;
}

/** Rates of one SGD round (see {@link MetaTrainer.leave}). */
export interface RoundRates {
  /** Learning rate of the factor rows. */
  lr: number;
  /** Learning rate of the biases. */
  lrBias: number;
  /** Weight decay of the factor rows. */
  reg: number;
  /** Weight decay of the biases. */
  regBias: number;
  /** Share of each movie's training ratings the round trained as its own. */
  share: number;
}

/** Arguments shared by the core's metaEnter and metaLeave. */
type RoundArgs = [number, number, number, number, number, number, number, number, number];

/** Per-movie metadata buffers a pass reads (`m`, `mb`) and writes (`g`, `gb`). */
export interface MetaBuffers {
  /** `W·f_i` per movie, `nMovies × stride`. */
  m: CoreArray<Float32Array>;
  /** Gradient sums per movie, `nMovies × stride`. */
  g: CoreArray<Float32Array>;
  /** `w_b·f_i` per movie. */
  mb: CoreArray<Float32Array>;
  /** Bias gradient sums per movie. */
  gb: CoreArray<Float32Array>;
}

/**
 * The projection's parameters in shared memory. Linear (`hidden` 0): W
 * (`nFeatures × stride`) and w_b (`nFeatures`). With a hidden ReLU layer of
 * `hidden` units: one packed array `[W1 (nFeatures × hidden) | b1 (hidden) |
 * W2 (hidden × stride) | w_b (nFeatures)]` (see core-wasm/src/meta.rs).
 */
export class MetaParams implements Disposable {
  /** Number of features. */
  readonly nFeatures: number;
  /** Floats per factor row. */
  readonly stride: number;
  /** The features' schema (SHA-256 of the column names). */
  readonly schema: string;
  /** Hidden units, or 0 for the linear projection. */
  readonly hidden: number;
  /** The parameter arrays: [W, w_b] (linear) or [packed] (hidden layer). */
  readonly tensors: CoreArray<Float32Array>[];

  /** Allocates zeroed parameters (the caller initialises a hidden layer; see {@link initHidden}). */
  constructor(core: WasmCore, nFeatures: number, stride: number, schema: string, hidden = 0) {
    if (!Number.isInteger(hidden) || hidden < 0 || hidden > 256 || hidden % 4 !== 0) {
      throw new RangeError(`Invalid hidden layer size "${hidden}": expected 0 or a multiple of 4 up to 256`);
    }
    this.nFeatures = nFeatures;
    this.stride = stride;
    this.schema = schema;
    this.hidden = hidden;
    const sizes = hidden
      ? [nFeatures * hidden + hidden + hidden * stride + nFeatures]
      : [nFeatures * stride, nFeatures];
    this.tensors = core.allocArrays(Float32Array, sizes, 64);
  }

  /** The arrays in a fixed order (for copies and checkpoints). */
  get arrays(): { name: string; array: CoreArray<Float32Array> }[] {
    return this.hidden
      ? [{ name: "w_hidden", array: this.tensors[0] }]
      : [{ name: "w", array: this.tensors[0] }, { name: "wb", array: this.tensors[1] }];
  }

  /** Releases the arrays. */
  free(): void {
    for (const t of this.tensors) t.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Small random W1 and W2 and a slightly positive b1, so ReLU units start alive; seeded. */
export function initHidden(params: MetaParams, seed: number): void {
  const { nFeatures: f, hidden: h, stride: s } = params;
  const v = params.tensors[0].view;
  const rng = new Rng(seed, 11);
  for (let i = 0; i < f * h; i++) v[i] = Math.fround(rng.normal() * 0.1);
  for (let i = 0; i < h; i++) v[f * h + i] = 0.01;
  for (let i = 0; i < h * s; i++) v[f * h + h + i] = Math.fround(rng.normal() * 0.01);
}

/**
 * Fills `m` and `mb` with each movie's metadata vector and bias; a hidden
 * layer also needs `activations` (`nMovies × hidden`; a temporary one is
 * used when it is not given). With a pool, the linear projection runs on its
 * Workers, a range of movies each (the same values either way).
 */
export async function projectOn(
  pool: WorkerPool | null,
  core: WasmCore,
  features: MovieFeatures,
  params: MetaParams,
  m: CoreArray<Float32Array>,
  mb: CoreArray<Float32Array>,
  activations?: CoreArray<Float32Array>,
): Promise<void> {
  if (params.hidden || !pool) return project(core, features, params, m, mb, activations);
  const rows = features.indptr.length - 1;
  await pool.runAll(
    movieRanges(rows).map(([first, last]): PoolTask<"metaProject"> => ({
      kernel: "metaProject",
      args: [...projectArgs(features, params, m, mb), first, last],
    })),
  );
}

/** {@link projectOn} on this thread. */
export function project(
  core: WasmCore,
  features: MovieFeatures,
  params: MetaParams,
  m: CoreArray<Float32Array>,
  mb: CoreArray<Float32Array>,
  activations?: CoreArray<Float32Array>,
): void {
  const csr = csrArgs(features);
  if (!params.hidden) {
    core.kernels.metaProject(...projectArgs(features, params, m, mb), 0, csr[3]);
    return;
  }
  const temp = activations
    ? null
    : core.allocArray(Float32Array, (features.indptr.length - 1) * params.hidden);
  try {
    core.kernels.metaProjectHidden(
      ...csr,
      features.nFeatures,
      params.hidden,
      params.stride,
      params.tensors[0].ptr,
      (activations ?? temp!).ptr,
      m.ptr,
      mb.ptr,
    );
  } finally {
    temp?.free();
  }
}

/** The linear projection's arguments before its row range. */
function projectArgs(
  features: MovieFeatures,
  params: MetaParams,
  m: CoreArray<Float32Array>,
  mb: CoreArray<Float32Array>,
): [number, number, number, number, number, number, number, number, number, number] {
  return [
    ...csrArgs(features),
    features.nFeatures,
    params.stride,
    params.tensors[0].ptr,
    params.tensors[1].ptr,
    m.ptr,
    mb.ptr,
  ];
}

/** Adam state of the projection and the per-movie buffers; one per training run. */
export class MetaTrainer implements Disposable {
  /** Buffers the passes read and write. */
  readonly buffers: MetaBuffers;
  /** Adam moments: for each parameter array in order, its first then its second moment. */
  readonly moments: CoreArray<Float32Array>[];
  /** Adam steps taken. */
  steps = 0;
  #grads: CoreArray<Float32Array>[];
  #activations: CoreArray<Float32Array> | null;
  /** Linear projection: each movie range's partial gradient sums (dW, dw_b). */
  #partials: CoreArray<Float32Array>[][];
  /** SGD's rounds (see {@link MetaTrainer.enter}): ratings per movie and the round's starting rows and biases. */
  #round:
    | { counts: CoreArray<Uint32Array>; start: [CoreArray<Float32Array>, CoreArray<Float32Array>] }
    | null = null;

  /** Allocates buffers for `nMovies` movies and `params`' shape. */
  constructor(core: WasmCore, nMovies: number, params: MetaParams) {
    const s = params.stride;
    const sizes = params.tensors.map((t) => t.length);
    const arrays = core.allocArrays(
      Float32Array,
      [
        nMovies * s,
        nMovies * s,
        nMovies,
        nMovies,
        nMovies * Math.max(1, params.hidden),
        ...sizes,
        ...sizes.flatMap((n) => [n, n]),
      ],
      64,
    );
    const [m, g, mb, gb, activations] = arrays;
    this.buffers = { m, g, mb, gb };
    this.#activations = params.hidden ? activations : null;
    if (!params.hidden) activations.free();
    const n = sizes.length;
    this.#grads = arrays.slice(5, 5 + n);
    this.moments = arrays.slice(5 + n, 5 + 3 * n);
    this.#partials = [];
    try {
      for (let r = 0; r < (params.hidden ? 0 : META_RANGES); r++) {
        this.#partials.push(core.allocArrays(Float32Array, sizes, 64));
      }
    } catch (error) {
      this.free();
      throw error;
    }
  }

  /** Projects with the current parameters into the pass buffers (on the pool's Workers when given). */
  project(
    core: WasmCore,
    features: MovieFeatures,
    params: MetaParams,
    pool: WorkerPool | null,
  ): Promise<void> {
    const b = this.buffers;
    return projectOn(pool, core, features, params, b.m, b.mb, this.#activations ?? undefined);
  }

  /**
   * Between rounds: folds the per-movie gradient sums of `nRatings` ratings
   * into one Adam step on W and w_b, then projects again.
   */
  async step(
    core: WasmCore,
    features: MovieFeatures,
    params: MetaParams,
    nRatings: number,
    lr: number,
    reg: number,
    pool: WorkerPool | null,
  ): Promise<void> {
    const b = this.buffers;
    const csr = csrArgs(features);
    if (params.hidden) {
      core.kernels.metaReduceHidden(
        ...csr,
        features.nFeatures,
        params.hidden,
        params.stride,
        params.tensors[0].ptr,
        this.#activations!.ptr,
        b.g.ptr,
        b.gb.ptr,
        this.#grads[0].ptr,
      );
    } else {
      // A partial per movie range (on the Workers), added up in range order.
      const ranges = movieRanges(csr[3]);
      await runTasks(
        core,
        pool,
        ranges.map(([first, last], r): PoolTask<"metaReduce"> => ({
          kernel: "metaReduce",
          args: [
            ...csr,
            features.nFeatures,
            params.stride,
            b.g.ptr,
            b.gb.ptr,
            this.#partials[r][0].ptr,
            this.#partials[r][1].ptr,
            first,
            last,
          ] satisfies KernelArgs<"metaReduce">,
        })),
      );
      for (const partial of this.#partials) {
        partial.forEach((p, k) => core.axpy(1, p.ptr, this.#grads[k].ptr, p.length));
      }
    }
    this.steps++;
    const c1 = Math.fround(1 - 0.9 ** this.steps), c2 = Math.fround(1 - 0.999 ** this.steps);
    const scale = 1 / Math.max(1, nRatings);
    params.tensors.forEach((t, k) => {
      const mo = this.moments[2 * k], vo = this.moments[2 * k + 1];
      core.kernels.metaAdam(
        t.ptr,
        this.#grads[k].ptr,
        mo.ptr,
        vo.ptr,
        t.length,
        scale,
        lr,
        reg,
        c1,
        c2,
      );
    });
    await this.project(core, features, params, pool);
  }

  /**
   * SGD and AdaGrad with metadata train each rated movie's `v = q + W·f` (bias `b + w_b·f`)
   * regularised toward `W·f`: with W fixed the same steps as on `q`, and a
   * plain per-rating step. `enter` shifts the rated movies' rows into that form
   * before a round of passes (keeping a copy of where the round starts);
   * {@link MetaTrainer.leave} (or `leaveAdagrad`) shifts them back. `counts` are the training
   * ratings per movie (copied into the core on first use). Ranges of movies
   * on the pool's Workers when given (movies are independent).
   */
  enter(core: WasmCore, rows: MovieRows, counts: Uint32Array, pool: WorkerPool | null): Promise<void> {
    const args = this.#roundArgs(core, rows, counts);
    return onMovieRanges(
      core,
      pool,
      "metaEnter",
      this.buffers.mb.length,
      (first, last) => [...args, first, last],
    );
  }

  /**
   * Ends a round that {@link MetaTrainer.enter} began: adds W's gradient sums
   * of the round's ratings, recovered from how the rows moved (see
   * core-wasm/src/meta.rs `leave`), and shifts the rows back. `rates` holds the
   * round's learning and regularisation rates (see {@link RoundRates}).
   */
  leave(
    core: WasmCore,
    rows: MovieRows,
    counts: Uint32Array,
    rates: RoundRates,
    pool: WorkerPool | null,
  ): Promise<void> {
    const { lr, lrBias, reg, regBias, share } = rates;
    const b = this.buffers;
    const args = this.#roundArgs(core, rows, counts);
    const rates4 = [1 / lr, 1 / lrBias, reg * share, regBias * share] as const;
    return onMovieRanges(core, pool, "metaLeave", b.mb.length, (first, last) => [
      ...args,
      ...rates4,
      b.g.ptr,
      b.gb.ptr,
      first,
      last,
    ]);
  }

  /**
   * {@link MetaTrainer.leave} for AdaGrad, whose pass summed each movie's step
   * sizes and kept ratings of the round into its AdaGrad state `sums` (4 floats
   * a movie: see core-wasm/src/meta.rs `leave_adagrad`) and the biases'
   * gradient into W's sums; `reg` is the rows' weight decay.
   */
  leaveAdagrad(
    core: WasmCore,
    rows: MovieRows,
    counts: Uint32Array,
    reg: number,
    sums: CoreArray<Float32Array>,
    pool: WorkerPool | null,
  ): Promise<void> {
    const b = this.buffers;
    const [q, bi, m, mb, c, n, stride, vs] = this.#roundArgs(core, rows, counts);
    return onMovieRanges(core, pool, "metaLeaveAdagrad", b.mb.length, (first, last) => [
      q,
      bi,
      m,
      mb,
      c,
      n,
      stride,
      vs,
      reg,
      sums.ptr,
      b.g.ptr,
      first,
      last,
    ]);
  }

  /** The movie rows, projections, counts and round start {@link MetaTrainer.enter} and `leave` take. */
  #roundArgs(core: WasmCore, rows: MovieRows, movieCounts: Uint32Array): RoundArgs {
    const { counts, start } = this.#roundBuffers(core, movieCounts, rows.stride);
    const b = this.buffers;
    return [
      rows.q.ptr,
      rows.bi.ptr,
      b.m.ptr,
      b.mb.ptr,
      counts.ptr,
      counts.length,
      rows.stride,
      start[0].ptr,
      start[1].ptr,
    ];
  }

  /** Training ratings per movie and the round's starting rows, allocated (and the counts copied) on first use. */
  #roundBuffers(core: WasmCore, movieCounts: Uint32Array, stride: number) {
    if (!this.#round) {
      const nMovies = this.buffers.mb.length;
      const counts = core.allocArray(Uint32Array, nMovies);
      counts.view.set(movieCounts.subarray(0, nMovies));
      const [rowsStart, biasStart] = core.allocArrays(Float32Array, [nMovies * stride, nMovies], 64);
      this.#round = { counts, start: [rowsStart, biasStart] };
    }
    return this.#round;
  }

  /** Releases every buffer. */
  free(): void {
    for (const a of [...Object.values(this.buffers), ...this.#grads, ...this.moments]) a.free();
    for (const a of (this.#partials ?? []).flat()) a.free();
    this.#activations?.free();
    if (this.#round) { for (const a of [this.#round.counts, ...this.#round.start]) a.free(); }
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** The feature matrix's CSR arguments of the metadata kernels: indptr, indices, values, rows. */
function csrArgs(features: MovieFeatures): [number, number, number, number] {
  return [features.indptr.ptr, features.indices.ptr, features.values.ptr, features.indptr.length - 1];
}
