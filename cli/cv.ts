/**
 * `deno task cv`: k-fold cross-validation of the model with the training
 * defaults (or the given settings), reporting mean ± sd of RMSE and MAE.
 *
 * @module
 */

import { crossValidate } from "../lib/train/cross_validate.ts";
import { calibrationTable } from "./_calibration.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { resolveTrainConfig } from "../lib/train/config.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, intFlag, parseFlags, runCli } from "./_cli.ts";
import { table } from "./_table.ts";
import { writeCurveSvg } from "./_curve.ts";
import { DATA_DEFAULT_HELP, defaultDataDir } from "./_data.ts";
import {
  checkMethod,
  META_FLAGS,
  META_FLAGS_HELP,
  metaSettings,
  METHOD_FLAGS,
  METHOD_FLAGS_HELP,
  methodSettings,
  MODEL_FLAGS,
  MODEL_FLAGS_HELP,
  modelSettings,
  optimizerLine,
} from "./_train_flags.ts";
import { openFeatures } from "../lib/train/train_pipeline.ts";
import { defaultImplicitConfig } from "../lib/train/implicit.ts";

const HELP = `Usage: deno task cv [options]

k-fold cross-validation: each fold in turn is the test set; the others train
(5% of them held out for early stopping). Reports mean ± sd of RMSE and MAE,
and of the ranking model's NDCG@10 and recall@20 beside most popular's (each
fold's ratings of 4 or more are the hits; up to 5,000 sampled users a fold).
With --method bpmf, also how often the test ratings fall inside their 90%
predictive intervals, overall and by how many ratings the movie has.

Options:
  --data DIR         folder with ratings.csv (${DATA_DEFAULT_HELP})
  --ratings FILE     a ratings CSV (instead of --data)
  --folds N          number of folds (default: 5)
  --no-ranking       leave the ranking model out (RMSE and MAE only)
  --curve FILE       where to write the validation curves (default: data/model/cv_curve.svg)
  --json             one JSON object on stdout
  -h, --help         show this help

Model and optimiser (as in 'deno task train'; --seed also seeds the folds):
${METHOD_FLAGS_HELP}
${MODEL_FLAGS_HELP}

Metadata (as in 'deno task train'):
${META_FLAGS_HELP}
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: "string" },
    ratings: { type: "string" },
    folds: { type: "string" },
    "no-ranking": { type: "boolean", default: false },
    ...MODEL_FLAGS,
    ...META_FLAGS,
    ...METHOD_FLAGS,
    curve: { type: "string", default: "data/model/cv_curve.svg" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  const folds = intFlag(v.folds, "folds", 5, 2, 100);
  const { settings, threads } = modelSettings(v);
  const meta = metaSettings(v, settings.optimizer);
  resolveTrainConfig({ ...settings, ...meta.settings }); // bad settings fail before any work
  const bpmf = methodSettings(v);
  const path = v.ratings ?? `${v.data ?? (await defaultDataDir("ratings.csv", v.json)).dir}/ratings.csv`;
  const core = await WasmCore.create();
  checkMethod(core, bpmf);
  const { ratings } = await loadRatings(core, path);
  using _ratings = ratings;
  using features = await openFeatures(
    core,
    { metadata: meta.metadata, featuresDir: meta.featuresDir, ratingsPath: path },
    ratings.movieIds,
    (note) => !v.json && console.error(`note: ${note}`),
  );
  const config = resolveTrainConfig({ ...settings, ...meta.settings }, features !== null);
  if (!v.json) {
    console.log(
      `${folds}-fold cross-validation on ${fmtInt(ratings.nRatings)} ratings from ${path}${
        features ? `, with ${features.nFeatures} TMDB features` : ""
      }${
        bpmf
          ? `; Bayesian PMF, k = ${bpmf.k}, ${bpmf.sweeps} sweeps (${bpmf.burnIn} burn-in, ${
            bpmf.sweeps - bpmf.burnIn
          } samples kept)`
          : ""
      }`,
    );
    if (!bpmf) console.log(optimizerLine(config, v.optimizer === undefined));
  }
  const cv = await crossValidate(core, ratings, config, {
    features,
    folds,
    threads,
    ranking: v["no-ranking"] ? null : { ...defaultImplicitConfig(), seed: config.seed },
    bpmf,
    onFold: (r) => {
      if (!v.json) {
        console.log(
          `fold ${r.fold + 1}/${folds}: RMSE ${r.model.rmse.toFixed(4)}, MAE ${r.model.mae.toFixed(4)} (${
            r.calibration
              ? `90% intervals hold ${(100 * r.calibration.coverage90).toFixed(1)}%`
              : `epoch ${r.bestEpoch}`
          }; biases only ${r.biasOnly.rmse.toFixed(4)})${
            r.ranking
              ? `; ranking NDCG@10 ${r.ranking.systems[0].at[10].ndcg.toFixed(3)} (most popular ${
                r.ranking.systems[1].at[10].ndcg.toFixed(3)
              })`
              : ""
          }`,
        );
      }
    },
  });
  const curveDir = v.curve.replace(/[^/\\]*$/, "");
  if (curveDir) await Deno.mkdir(curveDir, { recursive: true });
  await writeCurveSvg(
    v.curve,
    `${folds}-fold cross-validation on ${path}: validation RMSE`,
    cv.folds.map((f) => ({ name: `fold ${f.fold + 1}`, rmse: f.validationRmse })),
  );
  if (v.json) {
    const metadata = features ? { features: features.nFeatures, moviesCovered: features.covered } : null;
    console.log(
      JSON.stringify({
        ratingsPath: path,
        curvePath: v.curve,
        foldCount: folds,
        method: bpmf ? "bpmf" : "sgd",
        config: bpmf ?? config,
        metadata,
        ...cv,
      }),
    );
    return;
  }
  const capped = bpmf ? 0 : cv.folds.filter((f) => f.bestEpoch === config.epochs).length;
  if (capped) {
    console.log(
      `${capped} of ${folds} folds kept their last epoch (${config.epochs}): validation RMSE was still improving; more epochs may help (--epochs ${
        config.epochs * 2
      })`,
    );
  }
  const pm = (x: { mean: number; sd: number }) => `${x.mean.toFixed(4)} ± ${x.sd.toFixed(4)}`;
  const name = bpmf ? "Bayesian PMF" : "PMF";
  console.log(table(["", "mean ± sd"], [
    [`${name} RMSE`, pm(cv.rmse)],
    [`${name} MAE`, pm(cv.mae)],
    ...(cv.coverage90 ? [["90% intervals hold", pm(cv.coverage90)]] : []),
    ["biases-only RMSE", pm(cv.biasOnlyRmse)],
    ...(cv.ranking
      ? [
        ["ranking model NDCG@10", pm(cv.ranking.ndcg10)],
        ["ranking model recall@20", pm(cv.ranking.recall20)],
        ["most popular NDCG@10", pm(cv.ranking.popularNdcg10)],
        ["most popular recall@20", pm(cv.ranking.popularRecall20)],
      ]
      : []),
  ], [1]));
  if (bpmf) console.log(calibrationTable(cv.folds.map((f) => f.calibration!.buckets)));
  console.log(`Validation curves: ${v.curve}`);
}

if (import.meta.main) await runCli("cv", () => main(Deno.args));
