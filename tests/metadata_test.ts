import assert from "node:assert/strict";
import { readCheckpoint } from "../lib/train/checkpoint.ts";
import { coldStartEvaluation, coldStartSplit } from "../lib/train/cold_start.ts";
import { BPMF_DEFAULTS } from "../lib/train/bpmf.ts";
import { bpmfOnSplit } from "../lib/train/bpmf_split.ts";
import { gatherSide } from "../lib/ingest/rating_set.ts";
import { SPLIT, SPLIT_DEFAULTS, splitRatings } from "../lib/ingest/splits.ts";
import { evaluateModel } from "../lib/evaluate/evaluate.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { generateMovieLens } from "../lib/data/generate.ts";
import { loadMovieFeatures } from "../lib/features/movie_features.ts";
import { preprocess } from "../lib/features/preprocess.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { resolveTrainConfig } from "../lib/train/config.ts";
import { metaSettings, modelSettings } from "../cli/_train_flags.ts";
import { trainFromFile } from "../lib/train/train_pipeline.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { tempDir } from "./_helpers.ts";

let shared: string | undefined;
/** The generated default set with its TMDB features, shared by this file's tests. */
async function dataset(): Promise<string> {
  if (!shared) {
    shared = await Deno.makeTempDir({ prefix: "pmf-meta-" });
    await generateMovieLens({ outDir: shared });
    await preprocess(await WasmCore.create(), { movielensDir: shared, tmdbDir: shared });
  }
  return shared;
}

Deno.test("metadata lowers cold-start RMSE by at least 5% against biases only, and does not hurt warm movies (SGD, the default, and AdaGrad)", async () => {
  const dir = await dataset();
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, `${dir}/ratings.csv`);
  using _r = ratings;
  using features = await loadMovieFeatures(core, dir, ratings.movieIds);
  for (const settings of [{}, { optimizer: "adagrad" as const }]) {
    const r = await coldStartEvaluation(core, ratings, features, resolveTrainConfig(settings, true), 2, {});
    const which = JSON.stringify(settings);
    assert.ok(r.coldMovies > 50 && r.coldMoviesWithMetadata > 0.7 * r.coldMovies, JSON.stringify(r));
    const cold = r.cold.metadata!.rmse, base = r.cold.biasOnly.rmse;
    assert.ok(cold <= 0.95 * base, `${which}: cold-start RMSE ${cold} vs biases only ${base}`);
    assert.ok(
      r.warm.metadata!.rmse <= r.warm.noMetadata.rmse,
      `${which}: warm ${r.warm.metadata!.rmse} vs ${r.warm.noMetadata.rmse}`,
    );
  }
});

Deno.test("a model trained with metadata is reproducible on 1 and 2 Workers, stores W with its feature schema, and refuses other features", async () => {
  const dir = await dataset();
  await using out = await tempDir();
  const core = await WasmCore.create();
  const train = async (path: string, extra: object = {}) =>
    (await trainFromFile(core, {
      ratingsPath: `${dir}/ratings.csv`,
      modelPath: path,
      threads: 2,
      epochs: 3,
      k: 8,
      patience: 100,
      ...extra,
    })).model.free();
  await train(`${out.path}/a.bin`);
  // One Worker: the projection and its gradient are cut into the same movie ranges.
  await train(`${out.path}/b.bin`, { threads: 1 });
  assert.deepEqual(await Deno.readFile(`${out.path}/a.bin`), await Deno.readFile(`${out.path}/b.bin`));
  const { header, model } = await readCheckpoint(core, `${out.path}/a.bin`);
  assert.ok(header.meta && header.meta.nFeatures > 100 && /^[0-9a-f]{64}$/.test(header.meta.schema));
  assert.equal(model.meta!.tensors[0].length, header.meta.nFeatures * model.stride);
  assert.ok(model.meta!.tensors[0].view.some((x) => x !== 0), "W was trained");
  model.free();

  // Features with other columns (a different vocabulary) must be refused on resume.
  await preprocess(core, { movielensDir: dir, tmdbDir: dir, outDir: `${out.path}/f2`, overviewBuckets: 128 });
  await assert.rejects(
    train(`${out.path}/a.bin`, { resume: true, epochs: 5, featuresDir: `${out.path}/f2` }),
    /Cannot resume from ".*a.bin": its movie features do not match .*run the same 'deno task preprocess' again or train afresh/,
  );
  await assert.rejects(
    train(`${out.path}/a.bin`, { resume: true, epochs: 5, metadata: false }),
    /it uses movie metadata but no features were loaded/,
  );
  await train(`${out.path}/a.bin`, { resume: true, epochs: 5 });
  const resumed = await readCheckpoint(core, `${out.path}/a.bin`);
  assert.equal(resumed.header.epoch, 5);
  resumed.model.free();
});

Deno.test("trainFromFile({ metadata: true }) explains how to make missing features", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 5000, users: 100, movies: 200, seed: 3 });
  await assert.rejects(
    trainFromFile(await WasmCore.create(), {
      ratingsPath: `${dir.path}/ratings.csv`,
      modelPath: null,
      metadata: true,
      featuresDir: dir.path,
    }),
    /Cannot use movie metadata: ".*tmdb_features.csr" or ".*tmdb_index_map.json" is missing; run 'deno task preprocess' first, or train with --no-metadata/,
  );
});

Deno.test("a hidden ReLU layer (--meta-hidden) trains, helps cold start, and round-trips through the model file", async () => {
  const dir = await dataset();
  await using out = await tempDir();
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, `${dir}/ratings.csv`);
  using _r = ratings;
  using features = await loadMovieFeatures(core, dir, ratings.movieIds);
  const r = await coldStartEvaluation(
    core,
    ratings,
    features,
    resolveTrainConfig({ metadataHidden: 32 }, true),
    2,
    {},
  );
  assert.ok(
    r.cold.metadata!.rmse <= 0.95 * r.cold.biasOnly.rmse,
    `hidden layer cold ${r.cold.metadata!.rmse}`,
  );
  assert.ok(r.warm.metadata!.rmse <= r.warm.noMetadata.rmse * 1.005);
  const path = `${out.path}/h.bin`;
  const run = await trainFromFile(core, {
    ratingsPath: `${dir}/ratings.csv`,
    modelPath: path,
    threads: 2,
    epochs: 3,
    k: 8,
    metadataHidden: 16,
  });
  run.model.free();
  const { header, model } = await readCheckpoint(core, path);
  assert.equal(header.meta!.hidden, 16);
  assert.equal(model.meta!.hidden, 16);
  assert.deepEqual(model.meta!.arrays.map((a) => a.name), ["w_hidden"]);
  model.free();
  await trainFromFile(core, {
    ratingsPath: `${dir}/ratings.csv`,
    modelPath: path,
    threads: 2,
    resume: true,
    epochs: 4,
  })
    .then((x) => x.model.free());
  assert.equal((await readCheckpoint(core, path).then((c) => (c.model.free(), c.header))).epoch, 4);
});

Deno.test("Bayesian PMF with the features as the movies' prior mean: cold-start RMSE no worse than SGD's, calibrated intervals, same on 1 and 2 Workers", async () => {
  const dir = await dataset();
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, `${dir}/ratings.csv`);
  using _r = ratings;
  using features = await loadMovieFeatures(core, dir, ratings.movieIds);
  const bpmf = { ...BPMF_DEFAULTS, sweeps: 60, burnIn: 20 };
  const r = await coldStartEvaluation(core, ratings, features, resolveTrainConfig({}, true), 2, {}, bpmf);
  const bayes = r.cold.bayesMetadata!, sgd = r.cold.metadata!;
  assert.ok(bayes.rmse <= sgd.rmse, `cold-start RMSE ${bayes.rmse} vs SGD + metadata ${sgd.rmse}`);
  assert.ok(bayes.rmse < 0.95 * r.cold.bayes!.rmse, "the features carry the cold movies");
  for (const row of [r.cold.bayesMetadata!, r.warm.bayesMetadata!]) {
    assert.ok(row.coverage90 > 0.85 && row.coverage90 < 0.95, `90% intervals hold ${row.coverage90}`);
  }
  const split = coldStartSplit(ratings, {}, 0.1, 42);
  const models = [];
  for (const threads of [1, 2]) {
    const run = await bpmfOnSplit(core, ratings, split, {
      config: { ...bpmf, sweeps: 8, burnIn: 4 },
      threads,
      features,
    });
    using m = run.model;
    models.push(Float32Array.from([...m.p.view, ...m.q.view, ...m.bi.view]));
  }
  assert.deepEqual(models[1], models[0]);
});

Deno.test("a Bayesian PMF model sampled with features predicts, once loaded, as the sampler measured it", async () => {
  const dir = await dataset();
  await using out = await tempDir();
  const core = await WasmCore.create();
  const path = `${out.path}/bpmf.bin`;
  const result = await trainFromFile(core, {
    ratingsPath: `${dir}/ratings.csv`,
    modelPath: path,
    threads: 2,
    bpmf: { ...BPMF_DEFAULTS, sweeps: 30, burnIn: 10 },
    ranking: false,
  });
  result.model.free();
  const { ratings } = await loadRatings(core, `${dir}/ratings.csv`);
  using _r = ratings;
  using features = await loadMovieFeatures(core, dir, ratings.movieIds);
  const { model, header } = await readCheckpoint(core, path);
  using _m = model;
  assert.ok(header.bpmf && header.meta && model.meta, "kept in the metadata model's form");
  using test = gatherSide(core, ratings, splitRatings(ratings, SPLIT_DEFAULTS), SPLIT.TEST);
  await using pool = await WorkerPool.create(core, { threads: 2 });
  const loaded = await evaluateModel(core, pool, model, test, features);
  assert.ok(
    Math.abs(loaded.rmse - result.test.model.rmse) < 1e-4,
    `${loaded.rmse} vs ${result.test.model.rmse}`,
  );
});

Deno.test("without --optimizer a run trains with AdaGrad, or with SGD when it uses features; a named one is kept", async () => {
  const dir = await dataset();
  const core = await WasmCore.create();
  const run = async (options: { metadata: boolean; optimizer?: "sgd" | "adagrad" }) => {
    const seen: string[] = [];
    const r = await trainFromFile(core, {
      ...settings(options.optimizer),
      ratingsPath: `${dir}/ratings.csv`,
      modelPath: null,
      epochs: 1,
      k: 8,
      threads: 1,
      ranking: false,
      metadata: options.metadata,
      onConfig: (c) => seen.push(c.optimizer),
    });
    r.model.free();
    assert.deepEqual(seen, [r.config.optimizer], "onConfig reports the settings training used, once");
    return r.config;
  };
  // As the CLI reads its flags: nothing named leaves the optimiser's settings open.
  const settings = (optimizer?: "sgd" | "adagrad") => modelSettings(optimizer ? { optimizer } : {}).settings;
  assert.equal(settings().optimizer, undefined);
  assert.equal(settings().learningRate, undefined);
  const plain = await run({ metadata: false });
  assert.equal(plain.optimizer, "adagrad");
  assert.equal(plain.learningRate, resolveTrainConfig({ optimizer: "adagrad" }).learningRate);
  const meta = await run({ metadata: true });
  assert.equal(meta.optimizer, "sgd");
  assert.deepEqual(meta, resolveTrainConfig({ k: 8, epochs: 1 }, true));
  assert.equal((await run({ metadata: true, optimizer: "adagrad" })).optimizer, "adagrad");
  assert.equal((await run({ metadata: false, optimizer: "sgd" })).optimizer, "sgd");
});

Deno.test("cleanup of the shared metadata set", async () => {
  if (shared) await Deno.remove(shared, { recursive: true });
  shared = undefined;
});

Deno.test("the metadata flags default to the chosen optimiser's settings (W's learning rate differs for Adam)", () => {
  const lr = (optimizer: "sgd" | "adam" | "adagrad", flag?: string) =>
    metaSettings({ "meta-lr": flag }, optimizer).settings.metadataLearningRate;
  assert.equal(lr("sgd"), resolveTrainConfig({ optimizer: "sgd" }).metadataLearningRate);
  assert.equal(lr("adagrad"), resolveTrainConfig({ optimizer: "adagrad" }).metadataLearningRate);
  assert.equal(lr("adam"), resolveTrainConfig({ optimizer: "adam" }).metadataLearningRate);
  assert.notEqual(lr("sgd"), lr("adam"));
  assert.equal(lr("adagrad", "0.05"), 0.05);
});
