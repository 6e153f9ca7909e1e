/**
 * `deno task cv`: k-fold cross-validation of the model with the training
 * defaults (or the given settings), reporting mean ± sd of RMSE and MAE.
 *
 * @module
 */

import { crossValidate } from "../lib/train/cross_validate.ts";
import { defaultThreads } from "../lib/core/pool.ts";
import { loadRatings } from "../lib/ingest/ratings_load.ts";
import { defaultTrainConfig, resolveTrainConfig } from "../lib/train/config.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, intFlag, numberFlag, parseFlags, runCli, UsageError } from "./_cli.ts";
import { table } from "./_table.ts";

const D = defaultTrainConfig();

const HELP = `Usage: deno task cv [options]

k-fold cross-validation: each fold in turn is the test set; the others train
(5% of them held out for early stopping). Reports mean ± sd of RMSE and MAE.

Options:
  --data DIR         folder with ratings.csv (default: data/default)
  --ratings FILE     a ratings CSV (instead of --data)
  --folds N          number of folds (default: 5)
  --k N              factors (default: ${D.k})
  --optimizer NAME   sgd (default) or adam
  --lr X             learning rate (default: per optimizer, as in train)
  --reg X            weight decay (default: ${D.regularization})
  --epochs N         most epochs per fold (default: ${D.epochs})
  --seed N           seed of the folds and the model (default: ${D.seed})
  --threads N        Workers (default: ${defaultThreads()})
  --json             one JSON object on stdout
  -h, --help         show this help
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: "string" },
    ratings: { type: "string" },
    folds: { type: "string" },
    k: { type: "string" },
    optimizer: { type: "string", default: "sgd" },
    lr: { type: "string" },
    reg: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    threads: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  if (v.optimizer !== "sgd" && v.optimizer !== "adam") {
    throw new UsageError(`Invalid --optimizer "${v.optimizer}": expected sgd or adam`);
  }
  const folds = intFlag(v.folds, "folds", 5, 2, 100);
  const threads = intFlag(v.threads, "threads", defaultThreads(), 1, 64);
  const config = resolveTrainConfig({
    optimizer: v.optimizer as "sgd" | "adam",
    k: intFlag(v.k, "k", D.k, 1, 256),
    learningRate: v.lr === undefined ? undefined : numberFlag(v.lr, "lr", 0, 1e-9, 10),
    regularization: numberFlag(v.reg, "reg", D.regularization, 0, 100),
    epochs: intFlag(v.epochs, "epochs", D.epochs, 1, 10000),
    seed: intFlag(v.seed, "seed", D.seed, -(2 ** 31), 2 ** 31 - 1),
  });
  const path = v.ratings ?? `${v.data ?? "data/default"}/ratings.csv`;
  const core = await WasmCore.create();
  const { ratings } = await loadRatings(core, path);
  using _ratings = ratings;
  if (!v.json) {
    console.log(`${folds}-fold cross-validation on ${fmtInt(ratings.nRatings)} ratings from ${path}`);
  }
  const cv = await crossValidate(core, ratings, config, {
    folds,
    threads,
    onFold: (r) => {
      if (!v.json) {
        console.log(
          `fold ${r.fold + 1}/${folds}: RMSE ${r.model.rmse.toFixed(4)}, MAE ${
            r.model.mae.toFixed(4)
          } (epoch ${r.bestEpoch}; biases only ${r.biasOnly.rmse.toFixed(4)})`,
        );
      }
    },
  });
  if (v.json) {
    console.log(JSON.stringify({ ratingsPath: path, foldCount: folds, config, ...cv }));
    return;
  }
  const pm = (x: { mean: number; sd: number }) => `${x.mean.toFixed(4)} ± ${x.sd.toFixed(4)}`;
  console.log(table(["", "mean ± sd"], [
    ["PMF RMSE", pm(cv.rmse)],
    ["PMF MAE", pm(cv.mae)],
    ["biases-only RMSE", pm(cv.biasOnlyRmse)],
  ], [1]));
}

if (import.meta.main) await runCli("cv", () => main(Deno.args));
