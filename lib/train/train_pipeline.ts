/**
 * Training from a ratings file to a saved model: load (cache-aware), split,
 * lay out for DSGD, train with a checkpoint after every epoch (or resume from
 * one), then measure the best model and the two baselines on the test
 * ratings and store the metrics in the model file.
 *
 * @module
 */

import {
  addRanking,
  type CheckpointMeta,
  DEFAULT_MODEL_PATH,
  type RatingStats,
  readCheckpoint,
  readModelHeader,
  recordedPath,
} from "./checkpoint.ts";
import type { Metrics } from "../evaluate/evaluate.ts";
import type { PmfModel } from "../model/model.ts";
import {
  featureFiles,
  loadMovieFeatures,
  type MovieFeatures,
  moviesWithFeatures,
} from "../features/movie_features.ts";
import { indexOfSorted } from "../util/_io.ts";
import { loadMovieCatalogue, type Movie, plainMovie } from "../ingest/movies.ts";
import { defaultThreads, WorkerPool } from "../core/pool.ts";
import type { Ratings, RatingsFingerprint } from "../ingest/ratings.ts";
import { loadRatings } from "../ingest/ratings_load.ts";
import {
  countSplit,
  SPLIT,
  SPLIT_DEFAULTS,
  type SplitCounts,
  type SplitOptions,
  splitRatings,
} from "../ingest/splits.ts";
import { type EpochReport, freeState, type TrainState } from "./train.ts";
import { resolveTrainConfig, type TrainConfig } from "./config.ts";
import { lockModelPath } from "./model_lock.ts";
import { trainOnSplit } from "./train_split.ts";
import {
  defaultImplicitConfig,
  type ImplicitConfig,
  rankingAgainstPopular,
  REPORT_USERS,
  trainImplicit,
  type TrainImplicitProgress,
} from "./implicit.ts";
import { CoreRows } from "./implicit_data.ts";
import { type RankingReport, rankingTask } from "../evaluate/ranking.ts";
import type { WasmCore } from "../core/wasm.ts";
import { BPMF_DEFAULTS, type BpmfConfig, checkBpmfConfig, type SweepReport } from "./bpmf.ts";
import { bpmfOnSplit, type CalibrationBucket } from "./bpmf_split.ts";
import { writeBpmfModel } from "./bpmf_model_file.ts";
import { samplerStatePath } from "./bpmf_state_file.ts";

/** Options of {@link trainFromFile}; training fields default as in `defaultTrainConfig`. */
export interface TrainOptions extends Partial<TrainConfig> {
  /** The ratings CSV. */
  ratingsPath: string;
  /** Model file to write after every epoch; null for none. Default: data/model/pmf_model.bin. */
  modelPath?: string | null;
  /** Workers. Default: the number of cores. */
  threads?: number;
  /** How to split. Default: random 90/5/5, seed 42. */
  split?: SplitOptions;
  /** Continue from the model file. Default: false. */
  resume?: boolean;
  /** Replace a model file trained on other data (or not readable as a model). Default: false: refuse. */
  overwrite?: boolean;
  /** Use the ratings cache. Default: true. */
  cache?: boolean;
  /** Skip bad rows. Default: false. */
  skipInvalid?: boolean;
  /** Called with bytes read while loading ratings. */
  onLoadProgress?: (done: number, total: number) => void;
  /**
   * Called once before the first epoch with the settings training uses (the optimiser's defaults
   * filled in once the features are known; a resumed run's own).
   */
  onConfig?: (config: TrainConfig) => void;
  /** Called after each epoch with its report and seconds. */
  onEpoch?: (report: EpochReport, seconds: number) => void;
  /** Called after the model file was written (not after every epoch: see `trainOnSplit`), with what it holds. */
  onSaved?: (saved: { epoch: number; bestEpoch: number; bestValidationRmse: number }) => void;
  /** Called with ratings done in the current epoch. */
  onProgress?: (done: number, total: number) => void;
  /** Called with one-line notes (cache rebuilt, resumed, …). */
  onNote?: (note: string) => void;
  /**
   * Use TMDB metadata: true requires the feature files, false ignores them,
   * undefined (default) uses them when they exist.
   */
  metadata?: boolean;
  /** Folder with tmdb_features.csr and tmdb_index_map.json. Default: the ratings folder if it has them, else data/tmdb. */
  featuresDir?: string;
  /**
   * Fit the ranking model at the end (lib/train/implicit.ts) and store it in
   * the model file: true (default), false, or settings overriding its defaults.
   */
  ranking?: boolean | Partial<ImplicitConfig>;
  /** Called with the ranking model's progress (stage, sweeps done, sweeps). */
  onRanking?: TrainImplicitProgress;
  /**
   * Sample Bayesian PMF instead of training by SGD: `true` for its defaults (`BPMF_DEFAULTS`, the seed
   * from `seed`) or settings over them. TMDB features, when used, are the movies' prior mean; `resume`
   * continues from the sampler state beside the model file; the model file keeps the posterior means
   * and variances. Default: SGD.
   */
  bpmf?: boolean | Partial<BpmfConfig> | null;
  /** Bayesian PMF: called after each sweep with its report and seconds. */
  onSweep?: (report: SweepReport, seconds: number) => void;
}

/** What {@link trainFromFile} produced. */
export interface TrainFileResult extends TrainSummary {
  /** The best model; the caller owns it. */
  model: PmfModel;
}

/** The figures of a training run: what {@link trainFromFile} reports besides the model. */
export interface TrainSummary {
  /** The configuration used. */
  config: TrainConfig;
  /** Workers used. */
  threads: number;
  /** Epoch history (the whole run, across resumes). */
  history: EpochReport[];
  /** Epoch of the kept model. */
  bestEpoch: number;
  /** Seconds of each epoch run in this process. */
  epochSeconds: number[];
  /** Ratings, users, movies loaded. */
  data: { nRatings: number; nUsers: number; nMovies: number; fromCache: boolean; loadMs: number };
  /** Split sizes. */
  split: SplitCounts;
  /** Test metrics of the model and the baselines. */
  test: { model: Metrics; globalMean: Metrics; biasOnly: Metrics };
  /** Where the model was saved, or null. */
  modelPath: string | null;
  /** The metadata used: feature count and movies covered; null without metadata. */
  metadata: { features: number; moviesCovered: number } | null;
  /** Bayesian PMF: the sampler's settings, its sweeps and the test calibration; absent for SGD. */
  bpmf?: {
    config: BpmfConfig;
    sweeps: SweepReport[];
    sweepSeconds: number[];
    noiseSd: number;
    /** The samples' posterior predictive, what the model file keeps (mean rows), and the samples' calibration by bucket. */
    test: {
      model: Metrics & { coverage90: number };
      stored: Metrics & { coverage90: number };
      buckets: CalibrationBucket[];
    };
  };
  /** The ranking model: its factors, λ and how λ was chosen; null without one. */
  ranking: {
    k: number;
    reg: number;
    selection: { reg: number; ndcg: number }[];
    /**
     * Its lists on the test ratings beside most popular's (the ranking protocol of
     * `deno task evaluate` on this split, a seeded sample of up to 5,000 users); null without test ratings.
     */
    test: { users: number; systems: RankingReport[] } | null;
  } | null;
}

/** Trains on a ratings file; see the module doc. */
export async function trainFromFile(core: WasmCore, options: TrainOptions): Promise<TrainFileResult> {
  // Checked before any work; the optimiser's defaults follow once the features are known.
  const seed = resolveTrainConfig(options).seed;
  const bpmf = options.bpmf
    ? { ...BPMF_DEFAULTS, seed, ...(options.bpmf === true ? {} : options.bpmf) }
    : null;
  if (bpmf) checkBpmfConfig(core, bpmf);
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`Invalid threads "${threads}": expected an integer in 1–64`);
  }
  const splitOptions: Required<SplitOptions> = { ...SPLIT_DEFAULTS, ...options.split };
  const modelPath = options.modelPath === undefined ? DEFAULT_MODEL_PATH : options.modelPath;
  const note = options.onNote ?? (() => {});

  const t0 = performance.now();
  const loaded = await loadRatings(core, options.ratingsPath, {
    cache: options.cache,
    skipInvalid: options.skipInvalid,
    onProgress: options.onLoadProgress,
    threads,
  });
  using ratings = loaded.ratings;
  const loadMs = performance.now() - t0;
  if (!loaded.fromCache && loaded.cacheNote !== "no cache yet") {
    note(`Ratings cache rebuilt: ${loaded.cacheNote}`);
  }
  if (loaded.cacheWriteWarning) note(loaded.cacheWriteWarning);
  if (ratings.report.duplicates) {
    note(`${ratings.report.duplicates} repeated (user, movie) ratings: kept the last of each`);
  }
  if (ratings.report.skippedRows) note(`${ratings.report.skippedRows} invalid rows skipped`);

  const split = splitRatings(ratings, splitOptions);
  ratings.releaseTimes();
  const counts = countSplit(split);
  checkSplitSizes(options.ratingsPath, ratings, counts, splitOptions);
  // One training at a time per model file; stale temporary files of killed runs go.
  const lock = modelPath ? await lockModelPath(modelPath) : null;
  try {
    if (modelPath && !options.resume && !options.overwrite) {
      await refuseForeignModel(modelPath, options.ratingsPath, ratings.fingerprint);
    }
    const meta: CheckpointMeta = {
      split: splitOptions,
      data: {
        fingerprint: ratings.fingerprint,
        nRatings: ratings.nRatings,
        ratingsPath: options.ratingsPath,
      },
      stats: ratingStats(ratings),
    };

    const featuresDir = options.featuresDir ?? await defaultFeaturesDir(options.ratingsPath);
    using features = await openFeatures(core, { ...options, featuresDir }, ratings.movieIds, note);
    const config = resolveTrainConfig(options, features !== null);
    meta.data.featuresDir = features ? featuresDir : null;
    meta.catalogue = await catalogueFor(
      options.ratingsPath,
      ratings.movieIds,
      note,
      features ? await moviesWithFeatures(featuresDir) : null,
    );
    let resumed: TrainState | undefined;
    if (options.resume && !bpmf) {
      if (!modelPath) throw new TypeError("Cannot resume without a model file");
      resumed = await resumeState(
        core,
        modelPath,
        ratings.fingerprint,
        splitOptions,
        options.epochs,
        features,
      );
      note(`Resuming from "${modelPath}" after epoch ${resumed.epoch} (its settings are used)`);
    }
    if (!bpmf) options.onConfig?.(resumed?.config ?? config);
    const run = bpmf
      ? await sampleOnSplit(core, ratings, split, bpmf, {
        threads,
        modelPath,
        meta,
        features,
        resume: options.resume ?? false,
        onSweep: options.onSweep,
      })
      : await trainOnSplit(core, ratings, split, {
        config,
        threads,
        resumed,
        features,
        modelPath,
        meta,
        onEpoch: options.onEpoch,
        onSaved: options.onSaved,
        onProgress: options.onProgress,
      });
    let ranking: TrainFileResult["ranking"] = null;
    try {
      if (options.ranking !== false) {
        ranking = await fitRanking(core, ratings, split, {
          config: {
            ...defaultImplicitConfig(),
            seed: config.seed,
            ...(options.ranking === true ? {} : options.ranking),
          },
          threads,
          modelPath,
          onProgress: options.onRanking,
        });
      }
    } catch (error) {
      run.model.free();
      throw error;
    }
    return {
      ...run,
      ranking,
      threads,
      data: {
        nRatings: ratings.nRatings,
        nUsers: ratings.nUsers,
        nMovies: ratings.nMovies,
        fromCache: loaded.fromCache,
        loadMs,
      },
      split: counts,
      modelPath,
      metadata: features ? { features: features.nFeatures, moviesCovered: features.covered } : null,
    };
  } finally {
    await lock?.release();
  }
}

/**
 * Bayesian PMF on the split (`bpmfOnSplit`), the result in {@link trainFromFile}'s terms, and the
 * model file written with the test metrics.
 */
async function sampleOnSplit(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  config: BpmfConfig,
  options: {
    threads: number;
    modelPath: string | null;
    meta: CheckpointMeta;
    features: MovieFeatures | null;
    /** Continue from the sampler state beside the model file. */
    resume: boolean;
    onSweep?: (report: SweepReport, seconds: number) => void;
  },
): Promise<
  Pick<TrainFileResult, "model" | "config" | "history" | "bestEpoch" | "epochSeconds" | "test" | "bpmf">
> {
  const statePath = options.modelPath ? samplerStatePath(options.modelPath) : null;
  if (options.resume && !statePath) throw new TypeError("Cannot resume without a model file");
  const run = await bpmfOnSplit(core, ratings, split, {
    state: statePath
      ? {
        path: statePath,
        resume: options.resume,
        run: { fingerprint: options.meta.data.fingerprint, split: options.meta.split },
      }
      : undefined,
    features: options.features,
    config,
    threads: options.threads,
    onSweep: options.onSweep,
  });
  const { model, globalMean, biasOnly, stored, buckets } = run.test;
  const test = { model: { rmse: stored.rmse, mae: stored.mae, n: stored.n }, globalMean, biasOnly };
  try {
    if (options.modelPath) {
      const metrics = {
        nTest: stored.n,
        test: Object.fromEntries(Object.entries(test).map(([k, v]) => [k, { rmse: v.rmse, mae: v.mae }])),
      };
      await writeBpmfModel(
        core,
        options.modelPath,
        run.model,
        run.variances,
        {
          config,
          kept: config.sweeps - config.burnIn,
          noiseVariance: run.variances.noise,
          sweeps: run.history,
        },
        { ...options.meta, metrics },
      );
      // The model file holds the result now: the sampler's state is not needed.
      await Deno.remove(statePath!).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  } catch (error) {
    run.model.free();
    throw error;
  }
  return {
    model: run.model,
    config: resolveTrainConfig({ k: config.k, seed: config.seed }),
    history: [],
    bestEpoch: 0,
    epochSeconds: [],
    test,
    bpmf: {
      config,
      sweeps: run.history,
      sweepSeconds: run.sweepSeconds,
      noiseSd: run.noiseSd,
      test: { model, stored, buckets },
    },
  };
}

/**
 * Fits the ranking model on the TRAIN and VALIDATION sides once the rating
 * model is trained, and adds it to the model file. The ratings are consumed:
 * their arrays become the rows it needs (nothing is copied) and the rest is
 * freed for its arrays, which keeps the peak memory of `deno task train` at
 * MovieLens 20M scale near where the rating model's training put it.
 */
async function fitRanking(
  core: WasmCore,
  ratings: Ratings,
  split: Uint8Array,
  options: {
    config: ImplicitConfig;
    threads: number;
    modelPath: string | null;
    onProgress?: TrainImplicitProgress;
  },
): Promise<TrainFileResult["ranking"]> {
  const task = countSplit(split).test
    ? rankingTask(ratings, split, { maxUsers: REPORT_USERS, seed: options.config.seed })
    : null;
  // The ratings are not needed after this: their arrays become the rows.
  const rows = new CoreRows(ratings.takeUserRows((i) => split[i] !== SPLIT.TEST));
  await using pool = await WorkerPool.create(core, { threads: options.threads });
  const fit = await trainImplicit(core, pool, rows, ratings.nMovies, options.config, options.onProgress);
  using _factors = fit.factors;
  if (options.modelPath) await addRanking(core, options.modelPath, { ...fit, config: options.config });
  const test = task ? rankingAgainstPopular(core, fit.factors, task) : null;
  return { k: fit.factors.k, reg: fit.reg, selection: fit.selection, test };
}

/** The catalogue entries of the rated movies, from movies.csv beside the ratings (undefined without it). */
async function catalogueFor(
  ratingsPath: string,
  movieIds: Uint32Array,
  note: (text: string) => void,
  featured: Set<number> | null,
): Promise<Movie[]> {
  const path = `${ratingsPath.replace(/[^/\\]*$/, "")}movies.csv`;
  try {
    const catalogue = await loadMovieCatalogue(path, { linksPath: null });
    const rated = Array.from(movieIds, (id) => catalogue.byId(id) ?? plainMovie(id));
    // With metadata, the movies without ratings that have features too: they are predicted from metadata alone.
    const unrated = featured
      ? catalogue.movies.filter((m) => featured.has(m.movieId) && indexOfSorted(movieIds, m.movieId) < 0)
      : [];
    return [...rated, ...unrated];
  } catch (error) {
    if (!(error instanceof Error && /file not found/.test(error.message))) throw error;
    note(
      `No movies.csv beside the ratings ("${path}"): movies will be shown as "Movie <id>" and found by id only; put movies.csv there and train again for titles`,
    );
    return Array.from(movieIds, (id) => plainMovie(id));
  }
}

/** Mean rating per user and per movie, and ratings per movie. */
export function ratingStats(ratings: Ratings): RatingStats {
  const off = ratings.userOffsets.view, m = ratings.columns.movies.view, r = ratings.columns.ratings.view;
  const userMean = new Float32Array(ratings.nUsers);
  const sum = new Float64Array(ratings.nMovies), movieCount = new Uint32Array(ratings.nMovies);
  for (let u = 0; u < ratings.nUsers; u++) {
    let s = 0;
    for (let i = off[u]; i < off[u + 1]; i++) {
      s += r[i];
      sum[m[i]] += r[i];
      movieCount[m[i]]++;
    }
    userMean[u] = off[u + 1] > off[u] ? s / (off[u + 1] - off[u]) : 0;
  }
  const movieMean = Float32Array.from(sum, (x, i) => (movieCount[i] ? x / movieCount[i] : 0));
  return { userMean, movieMean, movieCount };
}

/** The folder whose feature files a ratings file would use by default. */
export async function defaultFeaturesDir(ratingsPath: string): Promise<string> {
  const dir = ratingsPath.replace(/[^/\\]*$/, "") || ".";
  try {
    await Deno.stat(featureFiles(dir).csr);
    return dir.replace(/[/\\]$/, "");
  } catch {
    return "data/tmdb";
  }
}

/** Loads movie features as `options.metadata` asks; null when metadata is off or absent. */
/**
 * The movie features to train with: none when `metadata` is false; those in
 * `featuresDir` (default: beside the ratings, else data/tmdb) when they exist,
 * with a note either way; required when `metadata` is true.
 */
export async function openFeatures(
  core: WasmCore,
  options: Pick<TrainOptions, "metadata" | "featuresDir" | "ratingsPath">,
  movieIds: Uint32Array,
  note: (n: string) => void,
): Promise<MovieFeatures | null> {
  if (options.metadata === false) return null;
  const dir = options.featuresDir ?? await defaultFeaturesDir(options.ratingsPath);
  if (options.metadata === undefined) {
    try {
      await Deno.stat(featureFiles(dir).csr);
    } catch {
      note(
        `No movie features in "${dir}": training without metadata (run 'deno task preprocess' to use TMDB metadata)`,
      );
      return null;
    }
  }
  const features = await loadMovieFeatures(core, dir, movieIds);
  note(
    `Using ${features.nFeatures} TMDB features from "${dir}" for ${features.covered} of ${movieIds.length} movies`,
  );
  return features;
}

/** Loads a checkpoint to resume and checks it matches this data and split (any thread count will do). */
async function resumeState(
  core: WasmCore,
  path: string,
  fingerprint: RatingsFingerprint,
  split: Required<SplitOptions>,
  epochs: number | undefined,
  features: MovieFeatures | null,
): Promise<TrainState> {
  const { header, state } = await readCheckpoint(core, path, { training: true, features });
  const s = state!;
  const refuse = (why: string) => {
    freeState(s);
    return new RangeError(`Cannot resume from "${path}": ${why}`);
  };
  if (header.meta && !features) {
    throw refuse(
      "it uses movie metadata but no features were loaded; run 'deno task preprocess' or pass --features DIR",
    );
  }
  if (header.meta && features && header.meta.schema !== features.schema) {
    throw refuse(
      `its movie features do not match (the model has ${header.meta.nFeatures} columns, the files ${features.nFeatures} or other names); run the same 'deno task preprocess' again or train afresh`,
    );
  }
  if (!header.meta && features) {
    throw refuse("it was trained without metadata; resume with --no-metadata");
  }
  const f = header.data.fingerprint;
  if (f.size !== fingerprint.size || f.headTailSha256 !== fingerprint.headTailSha256) {
    throw refuse("it was trained on a different ratings file; train afresh without --resume");
  }
  if (JSON.stringify(header.split) !== JSON.stringify(split)) {
    throw refuse(`it used the split ${JSON.stringify(header.split)}; pass the same split options`);
  }
  if (epochs !== undefined && epochs !== s.config.epochs) {
    s.config = { ...s.config, epochs };
    s.finished = s.epoch >= epochs || s.epoch - s.bestEpoch >= s.config.patience;
  }
  if (s.finished) {
    throw refuse(`training already finished at epoch ${s.epoch}; pass a larger --epochs to train further`);
  }
  return s;
}

/** Fewest ratings a side of the split may hold when its share is not 0. */
export const MIN_SIDE_RATINGS = 10;

/**
 * Refuses a split whose training side, or whose validation or test side
 * (when its share is not 0), holds fewer than {@link MIN_SIDE_RATINGS}
 * ratings: such a run would report nothing meaningful and still overwrite a
 * model file.
 */
function checkSplitSizes(
  path: string,
  ratings: Ratings,
  counts: SplitCounts,
  split: Required<SplitOptions>,
): void {
  const small = [
    ["training", counts.train, 1],
    ["validation", counts.validation, split.validation],
    ["test", counts.test, split.test],
  ].filter(([, n, share]) => (share as number) > 0 && (n as number) < MIN_SIDE_RATINGS);
  if (!small.length) return;
  const dupes = ratings.report.duplicates
    ? ` after dropping ${ratings.report.duplicates} repeated (user, movie) rows (the last of each is kept)`
    : "";
  const sides = small.map(([name, n]) => `${name} ${n}`).join(", ");
  throw new RangeError(
    `Cannot train on "${path}": ${ratings.nRatings} distinct rating${
      ratings.nRatings === 1 ? " is" : "s are"
    } left${dupes}, and the split gives ${sides}; each side in use needs at least ${MIN_SIDE_RATINGS} ratings. Use a larger ratings file${
      small.some(([name]) => name !== "training")
        ? ", or leave a side out with --validation 0 or --test 0"
        : ""
    }; no model file was written`,
  );
}

/**
 * Refuses to replace an existing model file that was trained on other data,
 * or that cannot be read as a model file: replacing it is what `overwrite` is for.
 */
async function refuseForeignModel(
  modelPath: string,
  ratingsPath: string,
  now: RatingsFingerprint,
): Promise<void> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(modelPath);
  } catch {
    return;
  }
  if (stat.isDirectory) throw new Error(`Cannot write "${modelPath}": it is a folder; give a file name`);
  const found = await readModelHeader(modelPath);
  const fix = "pass --model FILE to keep both, or --overwrite to replace it";
  if ("problem" in found) {
    throw new Error(
      `Cannot train into "${modelPath}": a file is there that is not a model this version reads (${found.problem}); ${fix}`,
    );
  }
  const was = found.header.data.fingerprint;
  if (was.size === now.size && was.headTailSha256 === now.headTailSha256) return;
  const path = found.header.data.ratingsPath
    ? recordedPath(found.header, modelPath, found.header.data.ratingsPath)
    : "another ratings file";
  throw new Error(
    `Cannot train into "${modelPath}": it holds a model trained on "${path}" (${found.header.data.nRatings} ratings), not on "${ratingsPath}"; ${fix}`,
  );
}
