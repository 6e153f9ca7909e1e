/**
 * Loading a recommender from a model file: the model, then the catalogue,
 * the users' histories and the movie features through the paths the model
 * file records (or the ones given).
 *
 * @module
 */

import {
  DEFAULT_MODEL_PATH,
  readCheckpoint,
  readRankingSync,
  recordedPath,
  storedCatalogue,
} from "../train/checkpoint.ts";
import { loadMovieFeatures, type MovieFeatures, moviesWithFeatures } from "../features/movie_features.ts";
import { indexOfSorted } from "../util/_io.ts";
import { loadMovieCatalogue } from "../ingest/movies.ts";
import { loadHistory } from "./_history.ts";
import { Recommender } from "./recommender.ts";
import { Ranker } from "./ranker.ts";
import { WasmCore } from "../core/wasm.ts";

/** Where to find what a model needs; each defaults to what the model file records. */
export interface LoadModelOptions {
  /** The model file. Default: data/model/pmf_model.bin. */
  modelPath?: string;
  /** The ratings CSV (for users' histories and means). */
  ratingsPath?: string;
  /** movies.csv. Default: beside the ratings. */
  moviesPath?: string;
  /** Folder with the movie features (models trained with metadata). */
  featuresDir?: string;
  /** Load the movie features of a model trained with metadata. Default: true; false predicts without them. */
  metadata?: boolean;
}

/**
 * Loads a trained model with what it needs to answer questions: the
 * catalogue (required, for titles), the ratings (optional: users' histories
 * and means) and, for a model trained with metadata, its movie features
 * (checked against the model's feature schema).
 */
export async function loadRecommender(options: LoadModelOptions = {}): Promise<Recommender> {
  const core = await WasmCore.create();
  const modelPath = options.modelPath ?? DEFAULT_MODEL_PATH;
  // The ranking model (the largest arrays) is read when a recommendation first needs it.
  const { header, model, stats, uncertainty } = await readCheckpoint(core, modelPath, { ranking: false });
  const r = header.ranking;
  const ranker = r ? () => new Ranker(core, readRankingSync(core, modelPath, header), r.config, r.reg) : null;
  try {
    const recorded = (p: string | null | undefined) => p ? recordedPath(header, modelPath, p) : p;
    const ratingsPath = options.ratingsPath ?? recorded(header.data.ratingsPath);
    const dir = ratingsPath ? ratingsPath.replace(/[^/\\]*$/, "") : "";
    const catalogue = (options.moviesPath ? null : storedCatalogue(header)) ??
      await loadMovieCatalogue(options.moviesPath ?? `${dir}movies.csv`);
    let features: MovieFeatures | null = null;
    let coldIds = new Uint32Array(0);
    // A model sampled with features (Bayesian PMF) keeps part of every movie's row in W·f: it always uses them.
    if (model.meta && (options.metadata !== false || header.bpmf)) {
      const featuresDir = options.featuresDir ?? recorded(header.data.featuresDir) ??
        dir.replace(/[/\\]$/, "");
      // The catalogue's movies with features and no ratings (the model file lists them since training
      // stores them) are predicted from their features alone.
      const featured = await moviesWithFeatures(featuresDir);
      coldIds = Uint32Array.from(
        catalogue.movies.filter((m) =>
          featured.has(m.movieId) && indexOfSorted(model.movieIds, m.movieId) < 0
        ),
        (m) => m.movieId,
      );
      const ids = new Uint32Array(model.movieIds.length + coldIds.length);
      ids.set(model.movieIds);
      ids.set(coldIds, model.movieIds.length);
      features = await loadMovieFeatures(core, featuresDir, ids);
      if (features.schema !== model.meta!.schema) {
        features.free();
        throw new Error(
          `Cannot use the features in "${featuresDir}" with model "${modelPath}": their columns differ from the ones it was trained with; run the same 'deno task preprocess' again or retrain`,
        );
      }
    }
    const history = ratingsPath ? await loadHistory(core, ratingsPath, model) : null;
    return new Recommender(
      core,
      model,
      catalogue,
      features,
      history,
      stats ?? null,
      ranker,
      coldIds,
      uncertainty ?? null,
    );
  } catch (error) {
    model.free();
    throw error;
  }
}
