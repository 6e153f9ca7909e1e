/**
 * movie-recommender: predicts how a user will rate a movie with Probabilistic
 * Matrix Factorization, enriched with TMDB metadata, on a multi-threaded SIMD
 * WebAssembly core.
 *
 * From files: {@link generateMovieLens} (or your MovieLens 20M files) →
 * {@link preprocess} (TMDB metadata → movie features) → {@link train} (saves
 * a model file) → {@link loadModel}. From memory: {@link fit}. Either way you
 * get a {@link Recommender}: predict a rating, recommend, find similar movies,
 * fold in a new user.
 *
 * @example End to end on a small generated set
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMovieLens, loadModel, preprocess, train } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * await preprocess({ movielensDir: dir, tmdbDir: dir });
 * const summary = await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 8 });
 * assert.ok(summary.metadata !== null, "TMDB features were used");
 *
 * using rec = await loadModel(`${dir}/model.bin`);
 * const [first] = rec.search("the", 1);
 * const p = rec.predictRating({ userId: 1, movieTitle: `${first.title} (${first.year})` });
 * assert.ok(p.rating >= 0.5 && p.rating <= 5);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export { fit, type FitOptions, loadModel, preprocess, train, type TrainSummary } from "./lib/api.ts";
export type { RatingInput } from "./lib/ingest/ratings_memory.ts";
export {
  type FoldedUser,
  type MovieInfo,
  type MovieRef,
  type PredictForOptions,
  type Prediction,
  type PredictOptions,
  type RecommendedMovie,
  Recommender,
  type RecommendOptions,
  type SimilarMovie,
  type TitleMatch,
} from "./lib/serve/recommender.ts";
export { type LoadModelOptions } from "./lib/serve/load.ts";
export { UnknownMovieError, UnknownUserError } from "./lib/serve/errors.ts";
export { generateMovieLens, type GenerateOptions, type GeneratorInfo } from "./lib/data/generate.ts";
export type { TrainOptions } from "./lib/train/train_pipeline.ts";
export type { PreprocessOptions, PreprocessReport } from "./lib/features/preprocess.ts";
export type { FeatureOptions, VocabGroup } from "./lib/features/tmdb_features.ts";
export { type EpochReport, TrainingDivergedError } from "./lib/train/train.ts";
export { defaultOptimizer, defaultTrainConfig, type TrainConfig } from "./lib/train/config.ts";
export { BPMF_DEFAULTS, type BpmfConfig, BpmfConfigError, type SweepReport } from "./lib/train/bpmf.ts";
export type { CalibrationBucket } from "./lib/train/bpmf_split.ts";
export {
  defaultImplicitConfig,
  type ImplicitConfig,
  type TrainImplicitProgress,
} from "./lib/train/implicit.ts";
export { DataSyntaxError } from "./lib/util/errors.ts";
export { ModelFileError } from "./lib/train/checkpoint.ts";
export type { Movie } from "./lib/ingest/movies.ts";
export type { Metrics } from "./lib/evaluate/evaluate.ts";
export type { AtK, RankingReport } from "./lib/evaluate/ranking.ts";
export type { OptimizerName } from "./lib/model/_pass.ts";
export type { SplitCounts, SplitOptions } from "./lib/ingest/splits.ts";
