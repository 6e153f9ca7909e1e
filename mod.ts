/**
 * movie-recommender: predicts how a user will rate a movie with Probabilistic
 * Matrix Factorization, enriched with TMDB metadata, on a threaded SIMD
 * WebAssembly core.
 *
 * The pipeline: {@link generateMovieLens} (or your MovieLens 20M files) →
 * {@link preprocess} (TMDB metadata → movie features) → {@link train} (saves a
 * model file) → {@link loadModel} (a {@link Recommender}: predict, recommend,
 * similar movies, fold in a new user). Lower-level pieces — the WebAssembly
 * core ({@link WasmCore}), the Worker pool, ratings loading and splits — are
 * exported too.
 *
 * @example End to end on a small generated set
 * ```ts
 * import { generateMovieLens, loadModel, preprocess, train } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * await preprocess({ movielensDir: dir, tmdbDir: dir });
 * const summary = await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 8 });
 * console.log(summary.metadata !== null); // true: TMDB features were used
 *
 * using rec = await loadModel(`${dir}/model.bin`);
 * const [first] = rec.search("the", 1);
 * const p = rec.predictRating({ userId: 1, movieTitle: `${first.title} (${first.year})` });
 * console.log(p.rating >= 0.5 && p.rating <= 5); // true
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

export { loadModel, preprocess, train, type TrainSummary } from "./lib/api.ts";
export {
  type FoldedUser,
  type LoadRecommenderOptions,
  type MovieInfo,
  type MovieRef,
  type Prediction,
  type PredictOptions,
  Recommender,
  type ScoredMovie,
  UnknownMovieError,
  UnknownUserError,
} from "./lib/recommender.ts";
export {
  GENERATE_DEFAULTS,
  generateMovieLens,
  type GenerateOptions,
  type GeneratorInfo,
} from "./lib/generate.ts";
export type { TrainFileOptions, TrainFileResult } from "./lib/train_pipeline.ts";
export type { PreprocessOptions, PreprocessReport } from "./lib/preprocess.ts";
export { defaultTrainConfig, type TrainConfig, TrainingDivergedError } from "./lib/train.ts";
export { DataSyntaxError } from "./lib/errors.ts";
export type { FeatureOptions, VocabGroup } from "./lib/tmdb_features.ts";
export { type Movie, MovieCatalogue } from "./lib/movies.ts";
export { type ModelShape, PmfModel } from "./lib/model.ts";
export { MetaParams } from "./lib/meta_params.ts";
export type { EpochReport } from "./lib/train.ts";
export type { SplitCounts, SplitOptions } from "./lib/splits.ts";
export type { Metrics } from "./lib/evaluate.ts";
export { ModelFileError } from "./lib/checkpoint.ts";
export {
  compileCore,
  CoreArray,
  type KernelArgs,
  type KernelName,
  type KernelResult,
  type Kernels,
  type ScoreMoviesArgs,
  type TypedArrayConstructor,
  WASM_URL,
  WasmCore,
  type WasmCoreOptions,
} from "./lib/wasm.ts";
export { defaultThreads, type PoolTask, WorkerPool, type WorkerPoolOptions } from "./lib/pool.ts";
