/**
 * A Bayesian PMF model file: the same container and header as an SGD-trained
 * model (`checkpoint.ts`), so everything that loads a model loads it, with
 * the posterior mean rows as the model's parameters, their variances in
 * `var_p`, `var_q`, `var_bu`, `var_bi`, and the sampler's record in the
 * header's `bpmf`. Written atomically, after the sampling ends.
 *
 * @module
 */

import { writeContainer } from "../util/container.ts";
import {
  catalogueHeader,
  type CheckpointMeta,
  MODEL_FORMAT,
  modelArraysToWrite,
  type ModelHeader,
  plainArray,
  portablePaths,
  type StoredBpmf,
  VARIANCE_ARRAYS,
} from "./checkpoint.ts";
import type { PmfModel } from "../model/model.ts";
import type { RowVariances } from "../model/uncertainty.ts";
import { resolveTrainConfig } from "./config.ts";
import type { WasmCore } from "../core/wasm.ts";

/** Writes a sampled model to `path` atomically. */
export async function writeBpmfModel(
  core: WasmCore,
  path: string,
  model: PmfModel,
  variances: RowVariances,
  bpmf: StoredBpmf,
  meta: CheckpointMeta,
): Promise<void> {
  const sources = modelArraysToWrite(core, model, meta);
  const arrays = [variances.users, variances.userBias, variances.movies, variances.movieBias];
  VARIANCE_ARRAYS.forEach((name, i) => sources.push(plainArray(name, arrays[i], "f32")));
  if (variances.prior) {
    sources.push(
      plainArray("var_prior", Float32Array.from([...variances.prior.factors, variances.prior.bias]), "f32"),
    );
  }
  const header: Omit<ModelHeader, "arrays"> = {
    format: "movie-recommender-model",
    shape: { nUsers: model.nUsers, nMovies: model.nMovies, k: model.k, stride: model.stride },
    mu: model.mu,
    // The rating model's settings as a trainer would record them (k and the seed); `bpmf` has the sampler's.
    config: resolveTrainConfig({ k: model.k, seed: bpmf.config.seed }),
    split: meta.split,
    data: portablePaths(meta.data, path),
    epoch: 0,
    bestEpoch: 0,
    bestValidationRmse: Number.isFinite(bpmf.sweeps.at(-1)?.validationRmse)
      ? bpmf.sweeps.at(-1)!.validationRmse
      : null,
    finished: true,
    history: [],
    metrics: meta.metrics ?? null,
    ...catalogueHeader(meta),
    // With features the rows are kept in the metadata model's form (see `bpmf_split.ts`, `withProjection`).
    meta: model.meta
      ? { nFeatures: model.meta.nFeatures, schema: model.meta.schema, steps: 0, hidden: 0 }
      : null,
    bpmf,
  };
  await writeContainer(path, MODEL_FORMAT, { ...header }, sources, { createDir: true });
}
