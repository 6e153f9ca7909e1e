/**
 * The model file (checkpoint): the best model so far, the id maps, and the
 * state needed to resume training, in one versioned binary file.
 *
 * The container (magic `PMFMODEL`) is the one in `lib/util/container.ts`:
 * a 32-byte prefix with the header's checksum, a JSON header, then arrays,
 * each with its own 64-bit checksum. Arrays: `p`, `q`, `bu`, `bi` (best model, f32),
 * `userIds`, `movieIds` (u32), with metadata also `w` (features × stride) and
 * `wb`, with a ranking model `rank_users` and `rank_movies`; then for resuming `cur_*` copies of those, Adam's moments for Adam,
 * and W's Adam moments (`meta_moment0..3`) with metadata. Written to a temporary file, synced
 * and renamed into place, so a crash at any moment leaves the previous file
 * whole. Nothing time-dependent is stored: the same run writes the same bytes.
 *
 * @module
 */

import { dirname, isAbsolute, relative, resolve } from "node:path";
import { type ArrayToWrite, ContainerError, ContainerFile, writeContainer } from "../util/container.ts";
import { checksum, coreChecksum, coreChecksums } from "../ingest/_ingest_kernels.ts";
import { OptimizerState } from "../model/_pass.ts";
import { MetaTrainer } from "../model/meta_params.ts";
import { PmfModel, strideFor } from "../model/model.ts";
import { type ImplicitConfig, ImplicitFactors } from "./implicit.ts";
import type { MovieFeatures } from "../features/movie_features.ts";
import { type Movie, MovieCatalogue } from "../ingest/movies.ts";
import { titleKey } from "../ingest/titles.ts";
import type { RatingsFingerprint } from "../ingest/ratings.ts";
import type { SplitOptions } from "../ingest/splits.ts";
import type { EpochReport, TrainState } from "./train.ts";
import type { TrainConfig } from "./config.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";
import type { BpmfConfig, SweepReport } from "./bpmf.ts";
import type { RowVariances } from "../model/uncertainty.ts";

/** Where a model file goes when no path is given. */
export const DEFAULT_MODEL_PATH = "data/model/pmf_model.bin";

/** Current model file format; other versions are refused with a message. */
export const MODEL_FORMAT_VERSION = 1;

/** Names of a model's parameter arrays (see `PmfModel.arrays`). */
const MODEL_ARRAYS = new Set(["p", "q", "bu", "bi", "w", "wb", "w_hidden"]);

/** The model file's container (lib/util/container.ts). */
export const MODEL_FORMAT = {
  magic: "PMFMODEL",
  version: MODEL_FORMAT_VERSION,
  what: "movie-recommender model",
};

/**
 * A model file was missing, foreign, from another format version, truncated
 * or corrupt; the message says which and what to do.
 *
 * @example A file that is not a model
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadModel, ModelFileError } from "../../mod.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "not a model");
 * await assert.rejects(loadModel(path), ModelFileError);
 * await Deno.remove(path);
 * ```
 */
export class ModelFileError extends Error {
  /** The file. */
  readonly path: string;
  /** Builds the error. */
  constructor(path: string, message: string) {
    super(message);
    this.name = "ModelFileError";
    this.path = path;
  }
}

/** Test metrics stored with a finished model. */
export interface StoredMetrics {
  /** RMSE and MAE of the model and the baselines on the test ratings. */
  test: Record<string, { rmse: number; mae: number }>;
  /** Number of test ratings. */
  nTest: number;
}

/** The data a model was trained on: the ratings file's fingerprint and size, and where it and the features were. */
export interface ModelData {
  /** Fingerprint of the ratings CSV. */
  fingerprint: RatingsFingerprint;
  /** Number of ratings. */
  nRatings: number;
  /** The ratings CSV (relative to the model file's folder when `pathsFrom` is "model"). */
  ratingsPath?: string;
  /** The features folder, or null for a model without metadata (relative like `ratingsPath`). */
  featuresDir?: string | null;
  /** "model": the paths are relative to the model file's folder; absent in older files (the working folder). */
  pathsFrom?: "model";
}

/** `data` with its paths made relative to the folder of the model file at `modelPath`. */
export function portablePaths(data: ModelData, modelPath: string): ModelData {
  const from = dirname(resolve(modelPath));
  const rel = (p: string) => relative(from, resolve(p)) || ".";
  return {
    ...data,
    ratingsPath: data.ratingsPath === undefined ? undefined : rel(data.ratingsPath),
    featuresDir: data.featuresDir ? rel(data.featuresDir) : data.featuresDir,
    pathsFrom: "model",
  };
}

/** A path the model file records, made usable from the current folder. */
export function recordedPath(header: ModelHeader, modelPath: string, path: string): string {
  return header.data.pathsFrom === "model" && !isAbsolute(path)
    ? resolve(dirname(resolve(modelPath)), path)
    : path;
}

/** The JSON header of a model file. */
export interface ModelHeader {
  /** Always "movie-recommender-model". */
  format: string;
  /** Sizes. */
  shape: { nUsers: number; nMovies: number; k: number; stride: number };
  /** Global mean rating. */
  mu: number;
  /** Training configuration. */
  config: TrainConfig;
  /** Workers of a run from before the block grid was part of the configuration (its grid side). */
  threads?: number;
  /** How the ratings were split. */
  split: Required<SplitOptions>;
  /** The ratings file the model was trained on, and the features folder it used. */
  data: ModelData;
  /** Epochs completed. */
  epoch: number;
  /** Epoch of the stored best model. */
  bestEpoch: number;
  /** Validation RMSE of the best model. */
  bestValidationRmse: number | null;
  /** True when training ended (early stopping or the epoch limit). */
  finished: boolean;
  /** Per-epoch history. */
  history: EpochReport[];
  /** Test metrics, once training finished. */
  metrics: StoredMetrics | null;
  /** The model's movies, then (with metadata) the movies.csv movies with features and no ratings, as [movieId, title, year, "genre|genre", "alias|alias", "key|key"], or absent. */
  catalogue?: [number, string, number | null, string, string, string][];
  /** The metadata projection: feature count, feature schema, Adam steps of W; null without metadata. */
  meta: { nFeatures: number; schema: string; steps: number; hidden: number } | null;
  /** The ranking model (arrays `rank_users`, `rank_movies`): its settings and the λ chosen; absent without one. */
  ranking?: StoredRanking;
  /**
   * A Bayesian PMF model (`deno task train --method bpmf`): the sampler's settings and record; its rows
   * are the posterior means, and the arrays `var_p`, `var_q`, `var_bu`, `var_bi` their variances.
   */
  bpmf?: StoredBpmf;
  /** Arrays in the file. */
  arrays: { name: string; offset: number; length: number; dtype: "f32" | "u32"; checksum: string }[];
}

/** What a model file records about a Bayesian PMF model. */
export interface StoredBpmf {
  /** The sampler's settings. */
  config: BpmfConfig;
  /** Samples the posterior summary averages. */
  kept: number;
  /** The noise variance (posterior mean of 1/α). */
  noiseVariance: number;
  /** Per sweep: training RMSE of the sample, validation RMSE of the running posterior mean, α. */
  sweeps: SweepReport[];
}

/**
 * Names of the posterior variance arrays of a Bayesian PMF model file, in `RowVariances` order; with
 * movie features also `var_prior`, the movie prior's variances (`stride` floats for the factors, then
 * the bias).
 */
export const VARIANCE_ARRAYS = ["var_p", "var_bu", "var_q", "var_bi"] as const;

/** What a model file records about its ranking model. */
export interface StoredRanking {
  /** Factors per row and floats per row. */
  k: number;
  stride: number;
  /** The settings it was trained with. */
  config: ImplicitConfig;
  /** The λ used, and each candidate's NDCG@10 on the held-out share when λ was chosen. */
  reg: number;
  selection: { reg: number; ndcg: number }[];
}

/** A ranking model to store with the rating model. */
export interface RankingToStore {
  factors: ImplicitFactors;
  config: ImplicitConfig;
  reg: number;
  selection: { reg: number; ndcg: number }[];
}

/** What goes into a model file besides the training state. */
export interface CheckpointMeta {
  /** How the ratings were split. */
  split: Required<SplitOptions>;
  /** The ratings the model was trained on (and where they and the features were). */
  data: ModelData;
  /** Test metrics, when known. */
  metrics?: StoredMetrics | null;
  /** Per-user and per-movie rating statistics of the data (context for predictions). */
  stats?: RatingStats;
  /** The catalogue entries of the model's movies, so a loaded model needs no movies.csv. */
  catalogue?: readonly Movie[];
}

/** Mean rating of every user and movie and each movie's number of ratings, by model index. */
export interface RatingStats {
  /** Mean rating per user. */
  userMean: Float32Array;
  /** Mean rating per movie (0 when it has none). */
  movieMean: Float32Array;
  /** Ratings per movie. */
  movieCount: Uint32Array;
}

/**
 * An array in the core, to write from a view of its memory without a copy
 * (the caller awaits the write before changing it, and growing a shared
 * memory does not detach it), checksummed there with SIMD.
 */
export function coreArrayToWrite(core: WasmCore, name: string, a: CoreArray<Float32Array>): ArrayToWrite {
  return {
    name,
    dtype: "f32",
    bytes: core.view(Uint8Array, a.ptr, a.length * 4),
    checksum: checksum(core, a.ptr, a.length),
  };
}

/** The arrays every model file starts with: the model's parameters, the id maps and the rating statistics. */
export function modelArraysToWrite(core: WasmCore, model: PmfModel, meta: CheckpointMeta): ArrayToWrite[] {
  const out = model.arrays.map(({ name, array }) => coreArrayToWrite(core, name, array));
  out.push(plainArray("userIds", model.userIds, "u32"), plainArray("movieIds", model.movieIds, "u32"));
  if (meta.stats) {
    out.push(
      plainArray("stat_user_mean", meta.stats.userMean, "f32"),
      plainArray("stat_movie_mean", meta.stats.movieMean, "f32"),
      plainArray("stat_movie_count", meta.stats.movieCount, "u32"),
    );
  }
  return out;
}

/** A host array to write as it is. */
export function plainArray(name: string, a: Float32Array | Uint32Array, dtype: "f32" | "u32"): ArrayToWrite {
  return { name, dtype, bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) };
}

/** Writes `state` to `path` atomically; see the module doc. Nothing may change the state until it resolves. */
export async function writeCheckpoint(
  core: WasmCore,
  path: string,
  state: TrainState,
  meta: CheckpointMeta,
): Promise<void> {
  const sources: ArrayToWrite[] = [];
  const addCore = (name: string, a: CoreArray<Float32Array>) => sources.push(coreArrayToWrite(core, name, a));
  sources.push(...modelArraysToWrite(core, state.best, meta));
  for (const { name, array } of state.model.arrays) addCore(`cur_${name}`, array);
  for (const { name, array } of state.optimizerState?.arrays ?? []) addCore(name, array);
  state.metaTrainer?.moments.forEach((array, i) => addCore(`meta_moment${i}`, array));

  const m = state.best;
  const header: Omit<ModelHeader, "arrays"> = {
    format: "movie-recommender-model",
    shape: { nUsers: m.nUsers, nMovies: m.nMovies, k: m.k, stride: m.stride },
    mu: m.mu,
    config: state.config,
    split: meta.split,
    data: portablePaths(meta.data, path),
    epoch: state.epoch,
    bestEpoch: state.bestEpoch,
    bestValidationRmse: Number.isFinite(state.bestValidationRmse) ? state.bestValidationRmse : null,
    finished: state.finished,
    history: state.history,
    metrics: meta.metrics ?? null,
    ...catalogueHeader(meta),
    meta: m.meta
      ? {
        nFeatures: m.meta.nFeatures,
        schema: m.meta.schema,
        steps: state.metaTrainer?.steps ?? 0,
        hidden: m.meta.hidden,
      }
      : null,
  };
  await writeContainer(path, MODEL_FORMAT, { ...header }, sources, { createDir: true });
}

/** The header's catalogue entry for `meta.catalogue` (none without one). */
export function catalogueHeader(meta: CheckpointMeta): Pick<ModelHeader, "catalogue"> {
  if (!meta.catalogue) return {};
  return {
    catalogue: meta.catalogue.map((c) =>
      [
        c.movieId,
        c.title,
        c.year,
        c.genres.join("|"),
        c.aliases.join("|"),
        [c.title, ...c.aliases].map(titleKey).join("|"),
      ] as [number, string, number | null, string, string, string]
    ),
  };
}

/**
 * Adds a ranking model to the model file at `path` (replacing one it may
 * have): its arrays are read and verified, then written again with the
 * ranking model's, atomically like every write.
 */
export async function addRanking(core: WasmCore, path: string, ranking: RankingToStore): Promise<void> {
  // The arrays already there are copied piece by piece (and verified on the way), never held whole.
  using file = await ContainerFile.open(path, MODEL_FORMAT);
  const header = file.header as unknown as ModelHeader;
  const kept: ArrayToWrite[] = header.arrays.filter((e) => !e.name.startsWith("rank_")).map((e) => ({
    name: e.name,
    dtype: e.dtype,
    byteLength: e.length * 4,
    checksum: e.checksum,
    pieces: (write) => file.pieces(e.name, write),
  }));
  const { arrays: _old, ...rest } = header;
  await writeContainer(path, MODEL_FORMAT, {
    ...rest,
    ranking: {
      k: ranking.factors.k,
      stride: ranking.factors.stride,
      config: ranking.config,
      reg: ranking.reg,
      selection: ranking.selection,
    },
  }, [
    ...kept,
    coreArrayToWrite(core, "rank_users", ranking.factors.users),
    coreArrayToWrite(core, "rank_movies", ranking.factors.movies),
  ]);
}

/**
 * Reads the ranking model of the model file at `path` without waiting (for a
 * recommender that loads it on first use), checking that the file still
 * holds the arrays `header` (read when the model was loaded) lists.
 */
export function readRankingSync(core: WasmCore, path: string, header: ModelHeader): ImplicitFactors {
  const fail = (what: string) =>
    new ModelFileError(path, `Cannot load the ranking model of "${path}": ${what}`);
  const r = header.ranking;
  if (!r) throw fail("the model has none");
  if (r.stride !== strideFor(r.k)) throw fail("its shape is inconsistent (corrupt)");
  const factors = new ImplicitFactors(core, header.shape.nUsers, header.shape.nMovies, r.k);
  try {
    using file = ContainerFile.openSync(path, MODEL_FORMAT);
    const verify = coreChecksum(core);
    for (const [name, array] of [["rank_users", factors.users], ["rank_movies", factors.movies]] as const) {
      const then = header.arrays.find((e) => e.name === name), now = file.entry(name);
      if (!then || !now || now.checksum !== then.checksum || now.length !== array.length) {
        throw fail("the file changed since the model was loaded; load it again");
      }
      file.readSync(name, core.view(Uint8Array, array.ptr, array.length * 4), verify);
    }
    return factors;
  } catch (error) {
    factors.free();
    if (error instanceof ContainerError) throw fail(error.message);
    throw error;
  }
}

/** A loaded model file. */
export interface LoadedCheckpoint {
  /** The header. */
  header: ModelHeader;
  /** The best model (what predictions use); the caller owns it. */
  model: PmfModel;
  /** The state to resume training, when asked for; the caller owns it. */
  state?: TrainState;
  /** Rating statistics, when the file has them. */
  stats?: RatingStats;
  /** The ranking model, when the file has one; the caller owns it. */
  ranking?: ImplicitFactors;
  /** A Bayesian PMF model's posterior variances. */
  uncertainty?: RowVariances;
}

/**
 * The header of the model file at `path` (its arrays are not read), or why
 * it cannot be read as a model file.
 */
export async function readModelHeader(path: string): Promise<{ header: ModelHeader } | { problem: string }> {
  try {
    using file = await ContainerFile.open(path, MODEL_FORMAT);
    return { header: file.header as unknown as ModelHeader };
  } catch (error) {
    if (error instanceof ContainerError) return { problem: error.message };
    throw error;
  }
}

/**
 * Reads and verifies a model file (magic, version, length, and the checksum
 * of every array it loads — the training state too when `training`) before
 * building anything; a bad file is refused whole with a
 * {@link ModelFileError} saying what is wrong and what to do.
 */
export async function readCheckpoint(
  core: WasmCore,
  path: string,
  options: { training?: boolean; features?: MovieFeatures | null; ranking?: boolean } = {},
): Promise<LoadedCheckpoint> {
  const fail = (what: string) => new ModelFileError(path, `Cannot load model "${path}": ${what}`);
  let file: ContainerFile;
  try {
    file = await ContainerFile.open(path, MODEL_FORMAT);
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    const fix = {
      missing: "; train one with 'deno task train'",
      foreign: "",
      version: "; retrain with 'deno task train'",
      truncated: " (an interrupted copy or a full disk?); retrain or restore it",
      corrupt: "",
    }[error.kind];
    throw fail(`${error.message}${fix}`);
  }
  using _file = file;
  const header = file.header as unknown as ModelHeader;
  // Files from before the grid was configured: their grid side was the thread count.
  header.config = { ...header.config, blocks: header.config.blocks ?? header.threads ?? 1 };
  const { nUsers, nMovies, k, stride } = header.shape;
  if (stride !== strideFor(k)) throw fail(`its shape is inconsistent (k ${k}, stride ${stride}) (corrupt)`);

  // Read and verify the arrays this load uses (the training state only when training).
  const training = (name: string) =>
    name.startsWith("cur_") || name.startsWith("adam_") || name.startsWith("meta_moment");
  // The model's own arrays and the ranking model's (the large ones) are read straight into the core below.
  const direct = (name: string) => name.startsWith("rank_") || MODEL_ARRAYS.has(name);
  const wanted = header.arrays.filter((e) => !direct(e.name) && (options.training || !training(e.name)));
  const arrays = new Map<string, Uint8Array>();
  const verify = coreChecksum(core);
  for (const e of wanted) {
    try {
      arrays.set(e.name, await file.read(e.name, undefined, verify));
    } catch (error) {
      if (error instanceof ContainerError) throw fail(error.message);
      throw error;
    }
  }
  const owned: { free(): void }[] = [];
  /** Reads arrays straight into core arrays of their length and verifies them there. */
  const readInto = async (targets: { name: string; array: CoreArray<Float32Array> }[]) => {
    for (const { name, array } of targets) {
      if (!file.entry(name)) throw fail(`it lacks the array "${name}" (corrupt)`);
      if (file.entry(name)!.length !== array.length) {
        throw fail(`its array "${name}" has the wrong length (corrupt)`);
      }
    }
    try {
      await file.readAll(
        targets.map(({ name, array }) => ({
          name,
          into: core.view(Uint8Array, array.ptr, array.length * 4),
        })),
        coreChecksums(core),
      );
    } catch (error) {
      if (error instanceof ContainerError) throw fail(error.message);
      throw error;
    }
  };
  try {
    const load = (name: string, into?: CoreArray<Float32Array>): Uint32Array | null => {
      const e = header.arrays.find((a) => a.name === name);
      if (!e) throw fail(`it lacks the array "${name}" (corrupt)`);
      // Every array's checksum was verified above.
      const src = arrays.get(name)!;
      if (into) {
        if (into.length !== e.length) throw fail(`its array "${name}" has the wrong length (corrupt)`);
        core.view(Uint8Array, into.ptr, e.length * 4).set(src);
        return null;
      }
      return new Uint32Array(src.slice().buffer);
    };
    const userIds = load("userIds")!, movieIds = load("movieIds")!;
    if (userIds.length !== nUsers || movieIds.length !== nMovies) {
      throw fail("its id maps disagree with its shape (corrupt)");
    }
    const metaShape = header.meta
      ? { nFeatures: header.meta.nFeatures, schema: header.meta.schema, hidden: header.meta.hidden ?? 0 }
      : null;
    const model = new PmfModel(core, { nUsers, nMovies, k }, userIds, movieIds, metaShape);
    owned.push(model);
    model.mu = header.mu;
    await readInto(model.arrays);
    const has = (name: string) => header.arrays.some((a) => a.name === name);
    const stats = has("stat_user_mean")
      ? {
        userMean: new Float32Array(load("stat_user_mean")!.buffer),
        movieMean: new Float32Array(load("stat_movie_mean")!.buffer),
        movieCount: load("stat_movie_count")!,
      }
      : undefined;
    const ranking = header.ranking && !options.training && options.ranking !== false
      ? readRankingSync(core, path, header)
      : undefined;
    const uncertainty = header.bpmf ? readUncertainty(header.bpmf, (name) => load(name)!, has) : undefined;
    if (!options.training) return { header, model, stats, ranking, uncertainty };

    const current = new PmfModel(core, { nUsers, nMovies, k }, userIds, movieIds, metaShape);
    owned.push(current);
    current.mu = header.mu;
    for (const { name, array } of current.arrays) load(`cur_${name}`, array);
    const optimizerState = OptimizerState.create(core, current, header.config.optimizer);
    if (optimizerState) {
      owned.push(optimizerState);
      for (const { name, array } of optimizerState.arrays) load(name, array);
    }
    let metaTrainer: MetaTrainer | null = null;
    if (current.meta) {
      metaTrainer = new MetaTrainer(core, nMovies, current.meta);
      owned.push(metaTrainer);
      metaTrainer.moments.forEach((array, i) => load(`meta_moment${i}`, array));
      metaTrainer.steps = header.meta?.steps ?? 0;
    }
    const state: TrainState = {
      features: options.features ?? null,
      metaTrainer,
      config: header.config,
      epoch: header.epoch,
      model: current,
      best: model,
      bestEpoch: header.bestEpoch,
      bestValidationRmse: header.bestValidationRmse ?? Infinity,
      optimizerState,
      history: header.history,
      finished: header.finished,
    };
    return { header, model, state, stats };
  } catch (error) {
    for (const o of owned) o.free();
    throw error;
  }
}

/** A Bayesian PMF model's variances from its arrays (already verified). */
function readUncertainty(
  bpmf: StoredBpmf,
  read: (name: string) => Uint32Array,
  has: (name: string) => boolean,
): RowVariances {
  const [users, userBias, movies, movieBias] = VARIANCE_ARRAYS.map((name) =>
    new Float32Array(read(name).buffer)
  );
  const out: RowVariances = { users, userBias, movies, movieBias, noise: bpmf.noiseVariance };
  if (has("var_prior")) {
    const prior = new Float32Array(read("var_prior").buffer);
    out.prior = { factors: prior.subarray(0, prior.length - 1), bias: prior[prior.length - 1] };
  }
  return out;
}

/** The catalogue stored in a model file's header (tmdbId and imdbId are not kept), or null. */
export function storedCatalogue(header: ModelHeader): MovieCatalogue | null {
  if (!header.catalogue) return null;
  const movies: Movie[] = [], keys: string[][] = [];
  for (const [movieId, title, year, genres, aliases, titleKeys] of header.catalogue) {
    movies.push({
      movieId,
      title,
      rawTitle: year === null ? title : `${title} (${year})`,
      year,
      genres: genres ? genres.split("|") : [],
      aliases: aliases ? aliases.split("|") : [],
      imdbId: null,
      tmdbId: null,
    });
    keys.push(titleKeys.split("|"));
  }
  return new MovieCatalogue(movies, [], keys);
}
