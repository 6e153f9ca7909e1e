/**
 * The programmatic entry points behind `mod.ts`: training and preprocessing
 * that manage their own WebAssembly core, and model loading.
 *
 * @module
 */

import { preprocess as runPreprocess, type PreprocessOptions, type PreprocessReport } from "./preprocess.ts";
import { loadRecommender, type LoadRecommenderOptions, type Recommender } from "./recommender.ts";
import { type TrainFileOptions, type TrainFileResult, trainFromFile } from "./train_pipeline.ts";
import { WasmCore } from "./wasm.ts";

/** What {@link train} returns: the run's figures (the model itself is in the model file). */
export type TrainSummary = Omit<TrainFileResult, "model">;

/**
 * Trains the model on a MovieLens ratings file and saves it (by default to
 * data/model/pmf_model.bin), checkpointing after every epoch.
 *
 * @example Train on a small generated set
 * ```ts
 * import { generateMovieLens, train } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * const summary = await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 5, metadata: false });
 * console.log(summary.test.model.rmse < summary.test.globalMean.rmse); // true
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function train(options: TrainFileOptions): Promise<TrainSummary> {
  const { model, ...summary } = await trainFromFile(await WasmCore.create(), options);
  model.free();
  return summary;
}

/**
 * Turns TMDB metadata into movie features (tmdb_features.npy and friends);
 * see `lib/preprocess.ts`.
 *
 * @example Extract features from the generated set's TMDB files
 * ```ts
 * import { generateMovieLens, preprocess } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * const report = await preprocess({ movielensDir: dir, tmdbDir: dir });
 * console.log(report.features > 0); // true
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function preprocess(options: PreprocessOptions): Promise<PreprocessReport> {
  return await runPreprocess(await WasmCore.create(), options);
}

/**
 * Loads a trained model as a {@link Recommender}: `predictRating`,
 * `recommend`, `similarMovies`, `foldInUser`, `search`. Give the model path,
 * or options to point at the data it needs when it moved.
 *
 * @example Predict, recommend and find similar movies
 * ```ts
 * import { generateMovieLens, loadModel, train } from "../mod.ts";
 * const dir = await Deno.makeTempDir();
 * await generateMovieLens({ outDir: dir, ratings: 20_000, users: 200, movies: 300 });
 * await train({ ratingsPath: `${dir}/ratings.csv`, modelPath: `${dir}/model.bin`, epochs: 5, metadata: false });
 * using rec = await loadModel(`${dir}/model.bin`);
 * const p = rec.predictRating({ userId: 1, movieId: rec.model.movieIds[0] });
 * console.log(p.rating >= 0.5 && p.rating <= 5); // true
 * console.log(rec.recommend(1, 3).length); // 3
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModel(options: string | LoadRecommenderOptions = {}): Promise<Recommender> {
  return await loadRecommender(typeof options === "string" ? { modelPath: options } : options);
}
