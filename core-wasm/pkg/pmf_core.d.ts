/* tslint:disable */
/* eslint-disable */
/**
 * Allocates `bytes` zeroed bytes aligned to `align` (a power of two, at
 * least 16) and returns the byte offset; free it with [`free`].
 */
export function alloc(bytes: number, align: number): number;
/**
 * `m_i = Σ f_ie W[e]`, `mb_i = Σ f_ie wb[e]` for movies `first..last` of the
 * `rows` movies whose features are the CSR (`indptr`, `indices`, `values`) over
 * `cols` features; `m` and `mb` are the arrays of all rows (only the range is
 * written, so Workers can project disjoint ranges at once).
 */
export function metaProject(indptr: number, indices: number, values: number, rows: number, cols: number, stride: number, w: number, wb: number, m: number, mb: number, first: number, last: number): void;
/**
 * Begins a round of SGD or AdaGrad with metadata for movies `first..last` of `rows`: the rated
 * movies' rows and biases shifted to `q + m`, `b + mb` and kept in `vs`, `bvs` (see
 * `meta::enter`). Movies are independent, so Workers can take disjoint ranges at once.
 */
export function metaEnter(q: number, b: number, m: number, mb: number, counts: number, rows: number, stride: number, vs: number, bvs: number, first: number, last: number): void;
/**
 * Ends a round of SGD with metadata for movies `first..last` of `rows`: W's gradient sums
 * from the rows' change, and the rows shifted back (see `meta::leave`). `inv_lr`,
 * `inv_lr_bias`: 1/lr of the rows and of the biases; `reg`, `reg_bias`: their
 * regularisations times the round's share of ratings.
 */
export function metaLeave(q: number, b: number, m: number, mb: number, counts: number, rows: number, stride: number, vs: number, bvs: number, inv_lr: number, inv_lr_bias: number, reg: number, reg_bias: number, g: number, gb: number, first: number, last: number): void;
/**
 * [`meta_leave`] for AdaGrad (see `meta::leave_adagrad`): `reg` the rows' weight decay,
 * `sums` the movies' AdaGrad state (4 floats a movie) with the round's step sizes and kept
 * ratings, `g` W's gradient sums of the rows (the biases' were summed in the pass).
 */
export function metaLeaveAdagrad(q: number, b: number, m: number, mb: number, counts: number, rows: number, stride: number, vs: number, reg: number, sums: number, g: number, first: number, last: number): void;
/**
 * `dW = Σ_i f_i ⊗ G_i`, `dwb = Σ_i f_i gb_i` over movies `first..last`
 * (overwriting `dw` and `dwb`: a partial the host adds up), then zeroes those
 * rows of `g` and `gb` (arrays of all rows).
 */
export function metaReduce(indptr: number, indices: number, values: number, rows: number, cols: number, stride: number, g: number, gb: number, dw: number, dwb: number, first: number, last: number): void;
/**
 * One Adam step on `n` weights from the ascent sum `dw` (see `meta::adam_step`).
 */
export function metaAdam(w: number, dw: number, mw: number, vw: number, n: number, scale: number, lr: number, reg: number, c1: number, c2: number): void;
/**
 * The hidden-layer projection (see `meta::project_hidden`); `params` holds
 * W1 (cols × units), b1 (units), W2 (units × stride) and wb (cols), in that order.
 */
export function metaProjectHidden(indptr: number, indices: number, values: number, rows: number, cols: number, units: number, stride: number, params: number, hidden: number, m: number, mb: number): void;
/**
 * Back-propagates per-movie gradient sums through the hidden layer into
 * `grads` (same layout as `params` in [`meta_project_hidden`]).
 */
export function metaReduceHidden(indptr: number, indices: number, values: number, rows: number, cols: number, units: number, stride: number, params: number, hidden: number, g: number, gb: number, grads: number): void;
/**
 * Trains on ratings `start..end` of the pass at `pass` (see
 * [`TrainPass::address`]); returns the sum of squared errors measured
 * before each update. `scalar` picks the scalar twin (same bits).
 */
export function trainRange(pass: number, start: number, end: number, scalar: boolean): number;
/**
 * Sums of squared and absolute errors of clamped predictions over ratings
 * `start..end` of the pass at `pass`, as `[sse, sae]`.
 */
export function errorsRange(pass: number, start: number, end: number): Float64Array;
/**
 * Folds in a new user from `n` ratings on movies whose effective vectors
 * (`n × stride`, first `k` used) and biases are given; writes the user's
 * `k` factors to `out_p` and returns the user's bias.
 */
export function foldIn(vectors: number, bias: number, ratings: number, n: number, stride: number, k: number, mu: number, reg: number, reg_bias: number, iterations: number, out_p: number): number;
/**
 * Adds `Σ x xᵀ` over rows `first..last` of `rows` (`stride` floats each) to
 * `out` (`stride × stride`).
 */
export function implicitGram(rows: number, first: number, last: number, stride: number, out: number): void;
/**
 * Solves rows `first..last` of one side (`x`, `n_rows × stride`) against the
 * other side (`other`, `n_other × stride`) and its Gram matrix; the rows'
 * observed items are a CSR (`indptr`, `n_rows + 1` entries; `indices`;
 * `weights`, or 0 for all ones). Returns the summed squared residual (see `implicit::solve_rows`).
 */
export function implicitSolve(x: number, n_rows: number, first: number, last: number, indptr: number, indices: number, weights: number, other: number, n_other: number, gram: number, stride: number, alpha0: number, reg: number, nu: number, steps: number): number;
/**
 * Draws rows `first..last` of one side (`rows`, `n_rows × stride`; `side` 0
 * users, 1 movies) from their Gibbs conditional given the other side's rows,
 * the side's hyperparameters (`mean`, `d` f64; `precision`, `d×d` f64, `d =
 * k + 1`; `offsets`, every row's prior mean shift, `n_rows × stride` f32, or 0)
 * and the noise precision; the rows' ratings are a CSR naming rows of the other
 * side. `scalar` runs the scalar twin of the SIMD path (same bits). See
 * `bpmf::sample_rows`.
 */
export function bpmfSampleRows(rows: number, n_rows: number, first: number, last: number, indptr: number, indices: number, ratings: number, other: number, n_other: number, k: number, stride: number, mu: number, mean: number, precision: number, offsets: number, alpha: number, seed: number, sweep: number, side: number, scalar: boolean): void;
/**
 * Frees a block from [`alloc`]; `bytes` and `align` must be the ones it was allocated with.
 */
export function free(ptr: number, bytes: number, align: number): void;
/**
 * Draws a side's hyperparameters from their posterior given its `n_rows` rows
 * (less their prior mean shifts `offsets`, or 0) into `mean` (`k + 1` f64) and
 * `precision` (`(k + 1)²` f64); with movie features, `scatter` (`λ·βᵀβ`, d×d f64)
 * and `n_features` add the projection's prior (0 and 0 without).
 */
export function bpmfSampleHyper(rows: number, offsets: number, scatter: number, n_features: number, n_rows: number, k: number, stride: number, seed: number, sweep: number, side: number, mean: number, precision: number): void;
/**
 * Writes the Cholesky factor of `FᵀF + λI` (`cols²` f64) for the features' CSR
 * (`rows` movies × `cols` features); see `macau::gram_factor`.
 */
export function macauGramFactor(indptr: number, indices: number, values: number, rows: number, cols: number, lambda: number, factor: number): void;
/**
 * Draws the projection β (`cols × (k + 1)` f64) of the movies' features given
 * their rows `v` and the movie side's hyperparameters; writes every movie's prior
 * shift into `offsets` (`rows × stride` f32) and `λ·βᵀβ` into `scatter`. See
 * `macau::sample_beta`.
 */
export function macauSampleBeta(indptr: number, indices: number, values: number, rows: number, cols: number, v: number, k: number, stride: number, mean: number, precision: number, factor: number, lambda: number, seed: number, sweep: number, beta: number, offsets: number, scatter: number): void;
/**
 * The squared error of the current rows over the ratings of users `first..last` (a user CSR).
 */
export function bpmfSse(indptr: number, indices: number, ratings: number, first: number, last: number, users: number, n_users: number, movies: number, n_movies: number, k: number, stride: number, mu: number): number;
/**
 * Writes the diagonal of the inverse of the `d×d` f64 matrix `precision` to `out` (d f64): a side's
 * prior variances.
 */
export function bpmfPriorVariance(precision: number, d: number, out: number): void;
/**
 * The largest factor count the sampler takes.
 */
export function bpmfMaxK(): number;
/**
 * Draws the noise precision given the squared error `sse` of `n` ratings.
 */
export function bpmfSampleAlpha(sse: number, n: number, seed: number, sweep: number): number;
/**
 * Adds the current sample's predictions of ratings `first..last` of a set
 * (`user_idx`, `movie_idx`) to `sum` and their squares to `sum_sq` (f64, the set's length).
 */
export function bpmfAccumulate(user_idx: number, movie_idx: number, n: number, first: number, last: number, users: number, n_users: number, movies: number, n_movies: number, k: number, stride: number, mu: number, sum: number, sum_sq: number): void;
/**
 * Bytes the core's heap holds (every thread's allocations).
 */
export function bytesInUse(): number;
/**
 * `dot(a[0..n], b[0..n])`; `scalar` picks the scalar twin (same bits).
 */
export function dot(a: number, b: number, n: number, scalar: boolean): number;
/**
 * Replaces `n` raw ids in place by their dense indices.
 */
export function idsRemap(ids: number, n: number, table: number, table_len: number): void;
/**
 * Stable counting sort of row numbers by key; `perm_in` may be 0 (0..n).
 * `counts` has `n_keys + 1` u32 of scratch.
 */
export function countingOrder(keys: number, n: number, n_keys: number, counts: number, perm_in: number, perm_out: number): void;
/**
 * Copies `n` 4-byte elements from `src` to `dst` (the ranges may overlap), as one bulk
 * memory copy: a typed array's `set` between views of shared memory is many times slower.
 */
export function copy32(src: number, dst: number, n: number): void;
/**
 * `dst[i] = src[perm[i]]` for `n` 4-byte elements; every `perm[i] < n`.
 */
export function gather32(src: number, perm: number, n: number, dst: number): void;
/**
 * Drops duplicate (user, movie) rows from sorted columns, keeping the last;
 * returns the number kept. `times` may be 0.
 */
export function dedupe(users: number, movies: number, ratings: number, times: number, n: number): number;
/**
 * Rows `from..to` of `n` in one pass (see `order::scan`; call it for slices from 0 to
 * `n` in order, `state` — 4 u32 — carried between them and reset when `from` is 0):
 * -1 when the rows are not sorted by (user, movie), else the first row whose pair the
 * next repeats so far (`n` when none; after the last slice `offsets`, `n_users + 1`
 * u32, holds the per-user offsets).
 */
export function scanRows(users: number, movies: number, n: number, from: number, to: number, n_users: number, offsets: number, state: number): number;
/**
 * Per-user offsets (`n_users + 1` u32) of user-sorted rows.
 */
export function userOffsets(users: number, n: number, n_users: number, offsets: number): void;
/**
 * 64-bit checksum of `n` 4-byte words at `words`, as 16 hex digits;
 * `scalar` picks the scalar twin (same value).
 */
export function checksum(words: number, n: number, scalar: boolean): string;
/**
 * The checksums (16 hex digits each) of `n` arrays of 4-byte words: array i
 * has `lens[i]` words at `ptrs[i]`. Each equals [`checksum`] of it; their
 * chains run side by side, several times faster than one after another.
 */
export function checksumMany(ptrs: number, lens: number, n: number): string[];
/**
 * `y[i] += alpha * x[i]` for `i < n`.
 */
export function axpy(alpha: number, x: number, y: number, n: number): void;
/**
 * Scores movies `first..first + count` for one user with the model's formula
 * (`predict::raw_score`): the user's `k` factors at `user`, its bias and the
 * global mean `mu`; the movies' effective rows in `factors` (`stride` apart)
 * and biases in `bias` (0: none), both indexed by movie. `clamped` writes
 * predicted ratings (0.5–5) instead of raw scores. `out` receives `count`
 * values, movie `first` first.
 */
export function scoreMovies(user: number, user_bias: number, mu: number, factors: number, stride: number, k: number, bias: number, first: number, count: number, out: number, clamped: boolean, scalar: boolean): void;
/**
 * The `n` best movies of `0..count` for one user (same inputs as
 * [`score_movies`]), skipping the `n_excluded` movie indices at `excluded`
 * (increasing order); writes their indices to `out_movies` and predicted
 * ratings to `out_ratings`, best first, and returns how many it wrote.
 */
export function topMovies(user: number, user_bias: number, mu: number, factors: number, stride: number, k: number, bias: number, count: number, excluded: number, n_excluded: number, n: number, out_movies: number, out_ratings: number): number;
/**
 * Top-`n` lists by the dot product for users `first..last` of `n_users`
 * (see `score::top_movies_batch`): each user's excluded movies are its row
 * of the CSR `excluded_ptr` (`n_users + 1` offsets) / `excluded`, increasing.
 * `out_movies` and `out_scores` hold `n` entries for each of the `n_users`
 * users; rows `first..last` are written.
 */
export function topMoviesBatch(users: number, n_users: number, first: number, last: number, stride: number, k: number, movies: number, count: number, excluded_ptr: number, excluded: number, n: number, out_movies: number, out_scores: number): void;
/**
 * Parses whole lines of a ratings CSV (no header) at `input` (`len` bytes)
 * into columns of `capacity` rows, writing from row `start`; see
 * `ratings_csv::parse`. `times` may be 0 when `has_time` is false.
 * `max_user` and `max_movie` carry the running maxima from the last call.
 */
export function parseRatings(input: number, len: number, has_time: boolean, users: number, movies: number, ratings: number, times: number, start: number, capacity: number, max_user: number, max_movie: number): ParseResult;
/**
 * Marks `n` raw ids in a lookup table of `table_len` i32 (see `ids`).
 */
export function idsMark(ids: number, n: number, table: number, table_len: number): void;
/**
 * Turns marks into dense ranks; returns the number of distinct ids.
 */
export function idsAssign(table: number, table_len: number): number;
/**
 * Writes the raw id of each of `n_out` dense indices to `out`.
 */
export function idsList(table: number, table_len: number, out: number, n_out: number): void;
/**
 * The optimisers; the host names them through this generated enum.
 */
export enum Optimizer {
  /**
   * Plain SGD with the host's learning-rate schedule.
   */
  Sgd = 0,
  /**
   * Adam with per-row ("lazy") moments and bias correction.
   */
  Adam = 1,
  /**
   * Per-row AdaGrad, as LIBMF: each row's step is `lr / sqrt(1 + G)` ([`inv_sqrt`]) with its sum `G` so far
   * (`su[0]`, `si[0]`; biases in `su[1]`, `si[1]`), then `G` grows by the rating's squared error over
   * the row length, `e²/k` (LIBMF adds the row's mean squared gradient, `|e·q − λ·p|²/k`; see
   * [`adagrad`] for why not).
   */
  Adagrad = 2,
}
/**
 * Parse outcomes (`ParseResult::code`); the host reads the generated enum.
 */
export enum ParseCode {
  /**
   * Every line was parsed.
   */
  Ok = 0,
  /**
   * A row has too few or too many fields.
   */
  FieldCount = 1,
  /**
   * A field is not a plain decimal number.
   */
  BadNumber = 2,
  /**
   * An id is negative or above 2^31 - 1.
   */
  IdRange = 3,
  /**
   * A rating is outside [0.5, 5].
   */
  RatingRange = 4,
  /**
   * A rating is not a multiple of 0.5.
   */
  RatingStep = 5,
  /**
   * A timestamp is negative or above 2^32 - 1.
   */
  TimeRange = 6,
  /**
   * A quoted field is not closed on its line, or text follows its closing quote.
   */
  Quote = 7,
  /**
   * The output columns are full; call again with the rest of the input.
   */
  Full = 8,
}
/**
 * Where parsing stopped and what it produced (the host reads its fields by name).
 */
export class ParseResult {
  private constructor();
  free(): void;
  [Symbol.dispose](): void;
  /**
   * Rows written to the output columns by this call.
   */
  rows: number;
  /**
   * Lines consumed (blank ones included); the bad line is not counted.
   */
  lines: number;
  /**
   * Bytes consumed; on an error, the offset of the bad line.
   */
  bytes: number;
  /**
   * One of [`code`].
   */
  code: number;
  /**
   * On an error, the 0-based field it was found in (or the field count).
   */
  column: number;
  /**
   * Largest user id seen so far (carried in and out across calls).
   */
  max_user: number;
  /**
   * Largest movie id seen so far (carried in and out across calls).
   */
  max_movie: number;
  /**
   * Blank lines skipped by this call.
   */
  blank: number;
}
/**
 * Everything one training or evaluation pass reads: shapes, the model's and
 * the optimiser's buffers (byte offsets), the ratings and the
 * hyper-parameters. The host fills it by field name; Workers get its
 * [`TrainPass::address`]. Buffers that a pass does not use are 0.
 */
export class TrainPass {
  free(): void;
  [Symbol.dispose](): void;
  /**
   * An empty pass (every buffer 0).
   */
  constructor();
  /**
   * Byte offset of this pass in the shared memory, for Workers; valid until it is freed.
   */
  address(): number;
  /**
   * Number of users.
   */
  n_users: number;
  /**
   * Number of movies.
   */
  n_movies: number;
  /**
   * Number of factors.
   */
  k: number;
  /**
   * Floats per row (k rounded up to 4).
   */
  stride: number;
  /**
   * Global mean rating.
   */
  mu: number;
  /**
   * User factors.
   */
  p: number;
  /**
   * Movie factors.
   */
  q: number;
  /**
   * User biases.
   */
  bu: number;
  /**
   * Movie biases.
   */
  bi: number;
  /**
   * The optimiser.
   */
  optimizer: Optimizer;
  /**
   * Learning rate of the factors.
   */
  lr: number;
  /**
   * Learning rate of the biases.
   */
  lr_bias: number;
  /**
   * L2 weight decay of the factors.
   */
  reg: number;
  /**
   * L2 weight decay of the biases.
   */
  reg_bias: number;
  /**
   * Adam's moments of P, Q and the per-row bias state (see `train::Buffers`).
   */
  mp: number;
  /**
   * Second moment of P.
   */
  vp: number;
  /**
   * First moment of Q.
   */
  mq: number;
  /**
   * Second moment of Q.
   */
  vq: number;
  /**
   * Per user bias moments and step powers (4 floats).
   */
  su: number;
  /**
   * Per movie bias moments and step powers (4 floats).
   */
  si: number;
  /**
   * Dense user index per rating.
   */
  users: number;
  /**
   * Dense movie index per rating.
   */
  movies: number;
  /**
   * Rating values.
   */
  ratings: number;
  /**
   * Number of ratings.
   */
  n_ratings: number;
  /**
   * Metadata vectors `W·f_i` per movie (0 without metadata).
   */
  m: number;
  /**
   * Per-movie gradient sums of the metadata vectors.
   */
  g: number;
  /**
   * Metadata biases per movie.
   */
  mb: number;
  /**
   * Per-movie gradient sums of the metadata biases.
   */
  gb: number;
  /**
   * Share of the movies in each range of ratings trained as if they were new (metadata only;
   * about that share of the ratings, see `train::dropped`).
   */
  drop: number;
  /**
   * Salt of the drop decision.
   */
  salt: number;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
  readonly __wbg_get_parseresult_blank: (a: number) => number;
  readonly __wbg_get_parseresult_bytes: (a: number) => number;
  readonly __wbg_get_parseresult_code: (a: number) => number;
  readonly __wbg_get_parseresult_column: (a: number) => number;
  readonly __wbg_get_parseresult_lines: (a: number) => number;
  readonly __wbg_get_parseresult_max_movie: (a: number) => number;
  readonly __wbg_get_parseresult_max_user: (a: number) => number;
  readonly __wbg_get_parseresult_rows: (a: number) => number;
  readonly __wbg_get_trainpass_bi: (a: number) => number;
  readonly __wbg_get_trainpass_bu: (a: number) => number;
  readonly __wbg_get_trainpass_drop: (a: number) => number;
  readonly __wbg_get_trainpass_g: (a: number) => number;
  readonly __wbg_get_trainpass_gb: (a: number) => number;
  readonly __wbg_get_trainpass_lr: (a: number) => number;
  readonly __wbg_get_trainpass_lr_bias: (a: number) => number;
  readonly __wbg_get_trainpass_m: (a: number) => number;
  readonly __wbg_get_trainpass_mb: (a: number) => number;
  readonly __wbg_get_trainpass_movies: (a: number) => number;
  readonly __wbg_get_trainpass_mp: (a: number) => number;
  readonly __wbg_get_trainpass_mq: (a: number) => number;
  readonly __wbg_get_trainpass_mu: (a: number) => number;
  readonly __wbg_get_trainpass_n_ratings: (a: number) => number;
  readonly __wbg_get_trainpass_optimizer: (a: number) => number;
  readonly __wbg_get_trainpass_ratings: (a: number) => number;
  readonly __wbg_get_trainpass_reg: (a: number) => number;
  readonly __wbg_get_trainpass_reg_bias: (a: number) => number;
  readonly __wbg_get_trainpass_salt: (a: number) => number;
  readonly __wbg_get_trainpass_si: (a: number) => number;
  readonly __wbg_get_trainpass_su: (a: number) => number;
  readonly __wbg_get_trainpass_users: (a: number) => number;
  readonly __wbg_get_trainpass_vp: (a: number) => number;
  readonly __wbg_get_trainpass_vq: (a: number) => number;
  readonly __wbg_parseresult_free: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_blank: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_bytes: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_code: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_column: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_lines: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_max_movie: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_max_user: (a: number, b: number) => void;
  readonly __wbg_set_parseresult_rows: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_bi: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_bu: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_drop: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_g: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_gb: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_lr: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_lr_bias: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_m: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_mb: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_movies: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_mp: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_mq: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_mu: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_n_ratings: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_optimizer: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_ratings: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_reg: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_reg_bias: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_salt: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_si: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_su: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_users: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_vp: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_vq: (a: number, b: number) => void;
  readonly __wbg_trainpass_free: (a: number, b: number) => void;
  readonly alloc: (a: number, b: number, c: number) => void;
  readonly axpy: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly bpmfAccumulate: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number, o: number) => void;
  readonly bpmfMaxK: () => number;
  readonly bpmfPriorVariance: (a: number, b: number, c: number, d: number) => void;
  readonly bpmfSampleAlpha: (a: number, b: number, c: number, d: number) => number;
  readonly bpmfSampleHyper: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly bpmfSampleRows: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number, o: number, p: number, q: number, r: number, s: number, t: number, u: number) => void;
  readonly bpmfSse: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly bytesInUse: () => number;
  readonly checksum: (a: number, b: number, c: number, d: number) => void;
  readonly checksumMany: (a: number, b: number, c: number, d: number) => void;
  readonly copy32: (a: number, b: number, c: number, d: number) => void;
  readonly countingOrder: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
  readonly dedupe: (a: number, b: number, c: number, d: number, e: number, f: number) => void;
  readonly dot: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly errorsRange: (a: number, b: number, c: number, d: number) => void;
  readonly foldIn: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number) => void;
  readonly free: (a: number, b: number, c: number, d: number) => void;
  readonly gather32: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly idsAssign: (a: number, b: number, c: number) => void;
  readonly idsList: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly idsMark: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly idsRemap: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly implicitGram: (a: number, b: number, c: number, d: number, e: number, f: number) => void;
  readonly implicitSolve: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number, o: number, p: number) => void;
  readonly macauGramFactor: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => void;
  readonly macauSampleBeta: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number, o: number, p: number, q: number, r: number) => void;
  readonly metaAdam: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number) => void;
  readonly metaEnter: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number) => void;
  readonly metaLeave: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number, o: number, p: number, q: number, r: number) => void;
  readonly metaLeaveAdagrad: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number) => void;
  readonly metaProject: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly metaProjectHidden: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number) => void;
  readonly metaReduce: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly metaReduceHidden: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly parseRatings: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number) => void;
  readonly scanRows: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => void;
  readonly scoreMovies: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number) => void;
  readonly topMovies: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number) => void;
  readonly topMoviesBatch: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number, l: number, m: number, n: number) => void;
  readonly trainRange: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly trainpass_address: (a: number) => number;
  readonly trainpass_new: () => number;
  readonly userOffsets: (a: number, b: number, c: number, d: number, e: number) => void;
  readonly __wbg_set_trainpass_k: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_n_movies: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_n_users: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_p: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_q: (a: number, b: number) => void;
  readonly __wbg_set_trainpass_stride: (a: number, b: number) => void;
  readonly __wbg_get_trainpass_k: (a: number) => number;
  readonly __wbg_get_trainpass_n_movies: (a: number) => number;
  readonly __wbg_get_trainpass_n_users: (a: number) => number;
  readonly __wbg_get_trainpass_p: (a: number) => number;
  readonly __wbg_get_trainpass_q: (a: number) => number;
  readonly __wbg_get_trainpass_stride: (a: number) => number;
  readonly memory: WebAssembly.Memory;
  readonly __wbindgen_add_to_stack_pointer: (a: number) => number;
  readonly __wbindgen_export: (a: number, b: number, c: number) => void;
  readonly __wbindgen_thread_destroy: (a?: number, b?: number, c?: number) => void;
  readonly __wbindgen_start: (a: number) => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;
/**
* Instantiates the given `module`, which can either be bytes or
* a precompiled `WebAssembly.Module`.
*
* @param {{ module: SyncInitInput, memory?: WebAssembly.Memory, thread_stack_size?: number }} module - Passing `SyncInitInput` directly is deprecated.
* @param {WebAssembly.Memory} memory - Deprecated.
*
* @returns {InitOutput}
*/
export function initSync(module: { module: SyncInitInput, memory?: WebAssembly.Memory, thread_stack_size?: number } | SyncInitInput, memory?: WebAssembly.Memory): InitOutput;

/**
* If `module_or_path` is {RequestInfo} or {URL}, makes a request and
* for everything else, calls `WebAssembly.instantiate` directly.
*
* @param {{ module_or_path: InitInput | Promise<InitInput>, memory?: WebAssembly.Memory, thread_stack_size?: number }} module_or_path - Passing `InitInput` directly is deprecated.
* @param {WebAssembly.Memory} memory - Deprecated.
*
* @returns {Promise<InitOutput>}
*/
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput>, memory?: WebAssembly.Memory, thread_stack_size?: number } | InitInput | Promise<InitInput>, memory?: WebAssembly.Memory): Promise<InitOutput>;
