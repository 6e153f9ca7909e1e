/**
 * `deno task train`: trains the PMF model on a MovieLens ratings file and
 * saves it, with a line per epoch, a progress bar, and a test report beside
 * the baselines.
 *
 * @module
 */

import { DEFAULT_MODEL_PATH } from "../lib/train/checkpoint.ts";
import { trainFromFile } from "../lib/train/train_pipeline.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, fmtMs, intFlag, numberFlag, parseFlags, runCli, UsageError } from "./_cli.ts";
import { startProgress } from "./_progress.ts";
import { table } from "./_table.ts";
import { coldStartCommand } from "./_cold_start.ts";
import { bpmfTrainCommand } from "./_bpmf_train.ts";
import { rankingModelLine, rankingTestReport } from "./_ranking_report.ts";
import { terminalChart, writeCurveSvg } from "./_curve.ts";
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

const HELP = `Usage: deno task train [options]

Trains the rating model (PMF: μ + b_u + b_i + p_u·q_i, clamped to 0.5–5) on a
MovieLens ratings file, checkpointing as it goes, and reports test RMSE and MAE
beside the global-mean and biases-only baselines. Then fits the ranking model
(implicit-feedback ALS: which movies a user rates and likes; it orders
recommendations) and stores both in the model file. With --method bpmf the
rating model is sampled instead (Bayesian PMF: no tuning, and every prediction
with its uncertainty).

Data:
  --data DIR          folder with ratings.csv (${DATA_DEFAULT_HELP})
  --ratings FILE      a ratings CSV (instead of --data)
  --split KIND        random (default) or time (each user's latest ratings to test)
  --validation X      share for validation / early stopping (default: 0.05)
  --test X            share for test (default: 0.05)
  --split-seed N      seed of the random split (default: 42)
  --no-cache          parse the CSV even when its binary cache is current
  --skip-invalid      skip bad rows (counted and reported) instead of stopping

Model and optimiser:
${METHOD_FLAGS_HELP}
${MODEL_FLAGS_HELP}

Metadata (TMDB features from 'deno task preprocess'):
${META_FLAGS_HELP}
  --cold-start-eval   hold out 10% of the movies entirely and report RMSE on them
                      for biases only, PMF, and PMF with metadata (saves no model)

Ranking model:
  --no-ranking        skip it (recommendations are then ordered by predicted rating)

Output:
  --model FILE        model file (default: ${DEFAULT_MODEL_PATH}); the training curve is
                      written beside it as <name>.curve.svg
  --resume            continue from --model where it stopped
  --overwrite         replace a model file trained on other data (refused otherwise)
  --quiet             only the final report
  --json              one JSON object on stdout
  -h, --help          show this help
`;

/** Runs the command. */
export async function main(argv: string[]): Promise<void> {
  const { values: v } = parseFlags(argv, {
    data: { type: "string" },
    ratings: { type: "string" },
    split: { type: "string", default: "random" },
    validation: { type: "string" },
    test: { type: "string" },
    "split-seed": { type: "string" },
    "no-cache": { type: "boolean", default: false },
    "skip-invalid": { type: "boolean", default: false },
    ...MODEL_FLAGS,
    ...META_FLAGS,
    ...METHOD_FLAGS,
    "cold-start-eval": { type: "boolean", default: false },
    "no-ranking": { type: "boolean", default: false },
    model: { type: "string", default: DEFAULT_MODEL_PATH },
    resume: { type: "boolean", default: false },
    overwrite: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  if (v.split !== "random" && v.split !== "time") {
    throw new UsageError(`Invalid --split "${v.split}": expected random or time`);
  }
  if (v.data && v.ratings) throw new UsageError("Pass --data or --ratings, not both");
  const model = modelSettings(v, { keepEpochs: v.resume });
  const threads = model.threads;
  const meta = metaSettings(v, model.settings.optimizer);
  const settings = { ...model.settings, ...meta.settings };
  const metadata = meta.metadata;
  const split = {
    kind: v.split as "random" | "time",
    validation: numberFlag(v.validation, "validation", 0.05, 0, 0.9),
    test: numberFlag(v.test, "test", 0.05, 0, 0.9),
    seed: intFlag(v["split-seed"], "split-seed", 42, -(2 ** 31), 2 ** 31 - 1),
  };
  const quiet = v.quiet || v.json;
  const ratingsPath = v.ratings ??
    `${v.data ?? (await defaultDataDir("ratings.csv", quiet)).dir}/ratings.csv`;

  const bpmf = methodSettings(v);
  const core = await WasmCore.create();
  checkMethod(core, bpmf);
  if (v["cold-start-eval"]) {
    await coldStartCommand(core, {
      ratingsPath,
      featuresDir: v.features,
      settings,
      threads,
      split,
      json: v.json,
      noMetadata: v["no-metadata"],
      bpmf,
    });
    return;
  }
  if (bpmf) {
    await bpmfTrainCommand(core, {
      bpmf,
      metadata,
      featuresDir: v.features,
      ratingsPath,
      modelPath: v.model,
      threads,
      split,
      overwrite: v.overwrite,
      resume: v.resume,
      cache: !v["no-cache"],
      skipInvalid: v["skip-invalid"],
      ranking: !v["no-ranking"],
      json: v.json,
      quiet: v.quiet,
    });
    return;
  }
  let bar = startProgress("Loading ratings", 100, "%", !quiet);
  let epochBar: ReturnType<typeof startProgress> | null = null;
  const say = quiet ? () => {} : (line: string) => console.log(line);
  let rankBar: ReturnType<typeof startProgress> | null = null;
  let header = false;
  let trainN = 0;
  // Ctrl-C: end the bar's line, say what the model file keeps and how to continue.
  let lastEpoch = 0;
  let saved: { epoch: number; bestEpoch: number; bestValidationRmse: number } | null = null;
  const onInterrupt = () => {
    epochBar?.stop();
    bar.stop();
    console.error(interruptedMessage(v.model, lastEpoch, saved, argv));
    try {
      Deno.removeSync(`${v.model}.lock`);
    } catch {
      // Not taken yet, or already gone.
    }
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const result = await trainFromFile(core, {
    ...settings,
    ratingsPath,
    modelPath: v.model,
    threads,
    split,
    resume: v.resume,
    overwrite: v.overwrite,
    metadata,
    featuresDir: v.features,
    cache: !v["no-cache"],
    skipInvalid: v["skip-invalid"],
    onLoadProgress: (done, total) => bar.update(Math.round((100 * done) / Math.max(1, total))),
    onNote: (note) => {
      if (!v.json) console.error(`note: ${note}`);
    },
    ranking: !v["no-ranking"],
    onRanking: (stage, done, total) => {
      if (done === 0) {
        rankBar?.stop();
        say(`Ranking model: ${stage}`);
        rankBar = startProgress("Ranking model", total, "sweeps", !quiet);
      }
      rankBar?.update(done);
      if (done === total) rankBar?.stop();
    },
    onProgress: (done, total) => {
      trainN = total;
      if (!epochBar) {
        bar.stop();
        if (!header) {
          say(
            `${"epoch".padStart(5)}  ${"train RMSE".padStart(10)}  ${"val RMSE".padStart(9)}  ${
              "time".padStart(8)
            }  ratings/s`,
          );
          header = true;
        }
        epochBar = startProgress("Epoch", total, "ratings", !quiet);
      }
      epochBar.update(done);
    },
    onConfig: (c) => say(optimizerLine(c, v.optimizer === undefined && !v.resume)),
    onSaved: (state) => (saved = state),
    onEpoch: (r, seconds) => {
      lastEpoch = r.epoch;
      epochBar?.stop();
      epochBar = null;
      bar = { update() {}, stop() {} };
      const rate = `${(trainN / seconds / 1e6).toFixed(1)} M`;
      say(
        `${String(r.epoch).padStart(5)}  ${r.trainRmse.toFixed(4).padStart(10)}  ${
          Number.isNaN(r.validationRmse) ? "—".padStart(9) : r.validationRmse.toFixed(4).padStart(9)
        }  ${fmtMs(seconds * 1000).padStart(8)}  ${rate.padStart(9)}${r.best ? "  *" : ""}`,
      );
    },
  }).finally(() => {
    bar.stop();
    Deno.removeSignalListener("SIGINT", onInterrupt);
  });

  const curvePath = v.model.replace(/\.bin$/, "") + ".curve.svg";
  await writeCurveSvg(
    curvePath,
    `Training on ${ratingsPath}`,
    [
      { name: "train", rmse: result.history.map((h) => h.trainRmse) },
      { name: "validation", rmse: result.history.map((h) => h.validationRmse) },
    ],
    result.bestEpoch,
  );
  if (v.json) {
    console.log(JSON.stringify({
      curvePath,
      ratingsPath,
      modelPath: result.modelPath,
      threads: result.threads,
      config: result.config,
      data: result.data,
      split: result.split,
      bestEpoch: result.bestEpoch,
      history: result.history.map((h, i) => ({ ...h, seconds: result.epochSeconds[i] ?? null })),
      test: result.test,
      metadata: result.metadata,
      ranking: result.ranking,
    }));
    result.model.free();
    return;
  }
  const last = result.history[result.history.length - 1];
  const stoppedEarly = last && last.epoch < result.config.epochs;
  console.log(
    stoppedEarly
      ? `Stopped after epoch ${last.epoch}: validation RMSE did not improve for ${result.config.patience} epochs; kept epoch ${result.bestEpoch}.`
      : `Trained ${last?.epoch ?? 0} epochs; kept epoch ${result.bestEpoch}.`,
  );
  if (!stoppedEarly && last && result.bestEpoch === last.epoch && result.split.validation > 0) {
    console.log(
      `Validation RMSE was still improving at the --epochs cap (${last.epoch}): more epochs may help, for example: deno task train ${
        [
          ...withoutFlag(argv, "--epochs").filter((a) => a !== "--resume"),
          "--resume",
          "--epochs",
          String(
            last.epoch * 2,
          ),
        ].join(" ")
      }`,
    );
  }
  if (result.ranking) console.log(rankingModelLine(result.ranking));
  if (result.modelPath) console.log(`Saved ${result.modelPath}`);
  const chart = terminalChart(result.history.map((h) => h.validationRmse));
  if (chart) console.log(`\nValidation RMSE by epoch (kept epoch ${result.bestEpoch}):\n${chart}`);
  console.log(`Training curve: ${curvePath}`);
  const t = result.test;
  if (t.model.n === 0) {
    console.log(
      `\nNo test set (--test 0): nothing to report; the best validation RMSE is in the table above.`,
    );
    result.model.free();
    return;
  }
  console.log(
    `\nTest set: ${fmtInt(t.model.n)} ratings of "${ratingsPath}" (loaded ${
      fmtInt(result.data.nRatings)
    } in ${fmtMs(result.data.loadMs)})`,
  );
  console.log(table(["model", "RMSE", "MAE"], [
    ["global mean", t.globalMean.rmse.toFixed(4), t.globalMean.mae.toFixed(4)],
    ["biases only", t.biasOnly.rmse.toFixed(4), t.biasOnly.mae.toFixed(4)],
    [
      `PMF${result.metadata ? " + metadata" : ""} (k=${result.config.k}, epoch ${result.bestEpoch})`,
      t.model.rmse.toFixed(4),
      t.model.mae.toFixed(4),
    ],
  ], [1, 2]));
  const ranked = rankingTestReport(result.ranking);
  if (ranked) console.log(ranked);
  result.model.free();
}

/** `argv` without `flag` and its value (`--flag N` or `--flag=N`). */
function withoutFlag(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) i++;
    else if (!argv[i].startsWith(`${flag}=`)) out.push(argv[i]);
  }
  return out;
}

/** What a Ctrl-C during training leaves, and the command that continues it. */
function interruptedMessage(
  modelPath: string,
  lastEpoch: number,
  saved: { epoch: number; bestEpoch: number; bestValidationRmse: number } | null,
  argv: string[],
): string {
  const during = `\nInterrupted during epoch ${lastEpoch + 1}`;
  if (!saved) return `${during}: nothing was saved (an older "${modelPath}", if any, is untouched).`;
  const rmse = Number.isFinite(saved.bestValidationRmse)
    ? ` (validation RMSE ${saved.bestValidationRmse.toFixed(4)})`
    : "";
  const quote = (a: string) => (/^[\w./=:-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  const again = ["deno task train", ...[...argv.filter((a) => a !== "--resume"), "--resume"].map(quote)].join(
    " ",
  );
  return `${during}: "${modelPath}" keeps epoch ${saved.bestEpoch}${rmse}, the best of the ${saved.epoch} epochs it holds.\nContinue with: ${again}`;
}

if (import.meta.main) await runCli("train", () => main(Deno.args));
