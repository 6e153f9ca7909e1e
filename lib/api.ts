/**
 * The programmatic entry points behind `mod.ts`: training (from a file or from
 * ratings in memory) and preprocessing that manage their own WebAssembly core,
 * and model loading.
 *
 * @module
 */

import { defaultImplicitConfig, type ImplicitConfig, trainImplicit } from "./train/implicit.ts";
import { ratedRows } from "./train/implicit_data.ts";
import { Ranker } from "./serve/ranker.ts";
import {
  preprocess as runPreprocess,
  type PreprocessOptions,
  type PreprocessReport,
} from "./features/preprocess.ts";
import type { Recommender } from "./serve/recommender.ts";
import { type LoadModelOptions, loadRecommender } from "./serve/load.ts";
import { trainFromFile, type TrainOptions, type TrainSummary } from "./train/train_pipeline.ts";
// deno-lint-ignore no-unused-vars
import type { DataSyntaxError } from "./util/errors.ts";
// deno-lint-ignore no-unused-vars
import type { ModelFileError } from "./train/checkpoint.ts";
// deno-lint-ignore no-unused-vars
import type { TrainingDivergedError } from "./train/train.ts";

export type { TrainSummary };
import { WasmCore } from "./core/wasm.ts";
import { defaultThreads, WorkerPool } from "./core/pool.ts";
import { MovieCatalogue, plainMovie } from "./ingest/movies.ts";
import { type RatingInput, ratingsFromArray } from "./ingest/ratings_memory.ts";
import { splitRatings } from "./ingest/splits.ts";
import { mapHistory } from "./serve/_history.ts";
import { Recommender as RecommenderClass } from "./serve/recommender.ts";
import { resolveTrainConfig, type TrainConfig } from "./train/config.ts";
import { trainOnSplit } from "./train/train_split.ts";
import { BPMF_DEFAULTS, type BpmfConfig, checkBpmfConfig } from "./train/bpmf.ts";
import { bpmfOnSplit } from "./train/bpmf_split.ts";

/**
 * Trains the model on a MovieLens ratings file and saves it (by default to
 * data/model/pmf_model.bin), writing the model file after every epoch so a
 * run can be resumed (`resume: true`).
 *
 * The ratings are split (random 90/5/5 by default), the validation side picks
 * the best epoch, and the test side is measured beside two baselines. TMDB
 * features from {@link preprocess} are used when they are found.
 *
 * @param options The ratings file, the model path and the training settings; see {@link TrainOptions}.
 * @returns The run's figures: configuration, per-epoch history, split sizes and test metrics.
 * @throws {DataSyntaxError} A ratings row that cannot be parsed (file, line and column named).
 * @throws {TrainingDivergedError} The loss exploded; the last good model file is kept.
 *
 * @example Train on a small generated set
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMovieLens, train } from "../mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * const summary = await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 5, metadata: false });
 * assert.ok(summary.test.model.rmse < summary.test.globalMean.rmse);
 * assert.equal(summary.history.length, 5);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainSummary> {
  const { model, ...summary } = await trainFromFile(await WasmCore.create(), options);
  model.free();
  return summary;
}

/**
 * Turns TMDB metadata into movie features: reads `tmdb_5000_movies.csv` (and
 * `tmdb_5000_credits.csv` when present), maps MovieLens movies through
 * `links.csv`, and writes `tmdb_features.npy`, `tmdb_feature_columns.json`,
 * `tmdb_index_map.json` and a sparse copy that training reads.
 *
 * @param options Where the MovieLens and TMDB files are, and the vocabulary settings.
 * @returns Coverage: TMDB rows parsed, movies mapped, features written.
 *
 * @example Extract features from the generated set's TMDB files
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMovieLens, preprocess } from "../mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * const report = await preprocess({ movielensDir: dir, tmdbDir: dir });
 * assert.ok(report.features > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function preprocess(options: PreprocessOptions): Promise<PreprocessReport> {
  return await runPreprocess(await WasmCore.create(), options);
}

/**
 * Loads a trained model as a {@link Recommender}, with the movie catalogue
 * and, when they are found, the users' rating histories and the movie
 * features it was trained with.
 *
 * @param options The model file's path, or where to find what it needs when the files moved.
 * @returns The recommender; free it with `using` or `close()`.
 * @throws {ModelFileError} A missing, truncated, corrupt or foreign model file, with the reason.
 *
 * @example Predict, recommend and find similar movies
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMovieLens, loadModel, train } from "../mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 5, metadata: false });
 * using rec = await loadModel(`${dir}/model.bin`);
 * const p = rec.predictRating({ userId: 1, movieId: rec.movieIds[0] });
 * assert.ok(p.rating >= 0.5 && p.rating <= 5);
 * assert.equal(rec.recommend(1, 3).length, 3);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModel(options: string | LoadModelOptions = {}): Promise<Recommender> {
  return await loadRecommender(typeof options === "string" ? { modelPath: options } : options);
}

/** Options of {@link fit}: the training settings (see {@link TrainConfig}) and what the data lacks. */
export interface FitOptions extends Partial<TrainConfig> {
  /** Share of the ratings held out to pick the best epoch (early stopping). Default: 0.05. */
  validation?: number;
  /** Seed of that hold-out. Default: 42. */
  splitSeed?: number;
  /** Workers. Default: the number of cores (the model does not depend on it). */
  threads?: number;
  /** Titles and genres of the movies, for search and display. Default: "Movie <id>" for each. */
  movies?: readonly { movieId: number; title: string; genres?: string[] }[];
  /** Fit the ranking model that orders recommendations (see {@link ImplicitConfig}). Default: true. */
  ranking?: boolean | Partial<ImplicitConfig>;
  /**
   * Sample Bayesian PMF instead of training by gradient steps (`true` for its defaults, or settings over them; its
   * seed defaults to `seed`): every rating trains (no hold-out), and predictions carry `sd` and `interval`.
   * Default: false.
   */
  bpmf?: boolean | Partial<BpmfConfig>;
}

/**
 * Trains a model on ratings held in memory and returns it ready to answer
 * questions, without files: the in-memory twin of {@link train}.
 *
 * A random share of the ratings (`validation`) picks the best epoch; the
 * rest trains. Titles come from `movies` when given.
 *
 * @param ratings The ratings: `{ userId, movieId, rating }` with ratings in 0.5–5.
 * @param options Training settings; every field has a default.
 * @returns A {@link Recommender}; free it with `using` or `close()`.
 * @throws {RangeError} A row that is not a rating (its index is named) or a setting out of range.
 *
 * @example Fit a tiny taste model and ask it
 * ```ts
 * import assert from "node:assert/strict";
 * import { fit } from "../mod.ts";
 *
 * // Users 1–40 love odd movies and dislike even ones.
 * const ratings = [];
 * for (let userId = 1; userId <= 40; userId++) {
 *   for (let movieId = 1; movieId <= 30; movieId++) {
 *     if ((userId + movieId) % 3 !== 0) ratings.push({ userId, movieId, rating: movieId % 2 ? 5 : 1 });
 *   }
 * }
 * using rec = await fit(ratings, { k: 8, epochs: 60, seed: 1 });
 * // User 1 has not rated movies 5 (odd) and 8 (even).
 * assert.ok(rec.predictRating({ userId: 1, movieId: 5 }).rating > 4);
 * assert.ok(rec.predictRating({ userId: 1, movieId: 8 }).rating < 2);
 * ```
 */
export async function fit(ratings: readonly RatingInput[], options: FitOptions = {}): Promise<Recommender> {
  const {
    validation = 0.05,
    splitSeed = 42,
    threads = defaultThreads(),
    movies,
    ranking,
    bpmf,
    ...settings
  } = options;
  const config = resolveTrainConfig(settings);
  const core = await WasmCore.create();
  const sampler = bpmf ? { ...BPMF_DEFAULTS, seed: config.seed, ...(bpmf === true ? {} : bpmf) } : null;
  if (sampler) checkBpmfConfig(core, sampler);
  using data = await ratingsFromArray(core, ratings);
  const split = splitRatings(data, {
    kind: "random",
    seed: splitSeed,
    validation: sampler ? 0 : validation,
    test: 0,
  });
  const rankingConfig = ranking === false
    ? null
    : { ...defaultImplicitConfig(), seed: config.seed, ...(ranking === true ? {} : ranking) };
  const run = sampler
    ? await bpmfOnSplit(core, data, split, { config: sampler, threads })
    : { ...await trainOnSplit(core, data, split, { config, threads }), variances: null };
  let ranker: Ranker | null = null;
  try {
    if (rankingConfig) {
      await using pool = await WorkerPool.create(core, { threads });
      const fitted = await trainImplicit(
        core,
        pool,
        ratedRows(core, data, () => true),
        data.nMovies,
        rankingConfig,
      );
      ranker = new Ranker(core, fitted.factors, rankingConfig, fitted.reg);
    }
    const history = mapHistory(
      { userIds: data.userIds, movieIds: data.movieIds, offsets: data.userOffsets.view.slice() },
      data.columns.movies.view.slice(0, data.nRatings),
      data.columns.ratings.view.slice(0, data.nRatings),
      run.model,
    );
    return new RecommenderClass(
      core,
      run.model,
      catalogueFor(data.movieIds, movies),
      null,
      history,
      null,
      ranker,
      undefined,
      run.variances,
    );
  } catch (error) {
    ranker?.free();
    run.model.free();
    throw error;
  }
}

/** A catalogue of the rated movies: the given titles, else "Movie <id>". */
function catalogueFor(ids: Uint32Array, given: FitOptions["movies"]): MovieCatalogue {
  const byId = new Map(given?.map((m) => [m.movieId, m]));
  return new MovieCatalogue(
    Array.from(ids, (id) => plainMovie(id, byId.get(id)?.title, byId.get(id)?.genres)),
  );
}
