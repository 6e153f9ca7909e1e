/**
 * `deno task train --method bpmf`: Bayesian PMF sampled on the split, a
 * line per tenth of the sweeps (training RMSE of the sample, validation RMSE
 * of the posterior mean so far, the noise), then the test report: RMSE and
 * MAE beside the baselines, how often the 90% intervals hold the test
 * ratings, by how many ratings the movie has; then the ranking model as
 * after any training.
 *
 * @module
 */

import { trainFromFile } from "../lib/train/train_pipeline.ts";
import type { BpmfConfig } from "../lib/train/bpmf.ts";
import type { SplitOptions } from "../lib/ingest/splits.ts";
import type { WasmCore } from "../lib/core/wasm.ts";
import { fmtInt, fmtMs } from "./_cli.ts";
import { startProgress } from "./_progress.ts";
import { table } from "./_table.ts";
import { calibrationTable } from "./_calibration.ts";
import { rankingModelLine, rankingTestReport } from "./_ranking_report.ts";

/** What the command needs from `train`'s flags. */
export interface BpmfTrainOptions {
  bpmf: BpmfConfig;
  /** As `train`'s --use-metadata / --no-metadata (undefined: use the features when they exist). */
  metadata?: boolean;
  featuresDir?: string;
  ratingsPath: string;
  modelPath: string;
  threads: number;
  split: SplitOptions;
  overwrite: boolean;
  /** Continue from the sampler state beside the model file. */
  resume: boolean;
  cache: boolean;
  skipInvalid: boolean;
  ranking: boolean;
  json: boolean;
  quiet: boolean;
}

/** Runs the command. */
export async function bpmfTrainCommand(core: WasmCore, o: BpmfTrainOptions): Promise<void> {
  const say = o.quiet || o.json ? () => {} : (line: string) => console.log(line);
  const show = !(o.quiet || o.json);
  let bar = startProgress("Loading ratings", 100, "%", show);
  let sweepBar: ReturnType<typeof startProgress> | null = null;
  let rankBar: ReturnType<typeof startProgress> | null = null;
  const every = Math.max(1, Math.round(o.bpmf.sweeps / 10));
  const result = await trainFromFile(core, {
    ratingsPath: o.ratingsPath,
    modelPath: o.modelPath,
    threads: o.threads,
    split: o.split,
    overwrite: o.overwrite,
    resume: o.resume,
    cache: o.cache,
    skipInvalid: o.skipInvalid,
    bpmf: o.bpmf,
    metadata: o.metadata,
    featuresDir: o.featuresDir,
    onLoadProgress: (done, total) => bar.update(Math.round((100 * done) / Math.max(1, total))),
    onNote: (note) => {
      if (!o.json) console.error(`note: ${note}`);
    },
    onSweep: (r, seconds) => {
      if (!sweepBar) {
        bar.stop();
        say(
          `Bayesian PMF: k = ${o.bpmf.k}, ${o.bpmf.sweeps} Gibbs sweeps, the first ${o.bpmf.burnIn} discarded`,
        );
        say(
          `${"sweep".padStart(5)}  ${"train RMSE".padStart(10)}  ${
            "val RMSE".padStart(9)
          }  noise sd  sweep time`,
        );
        sweepBar = startProgress("Sampling", o.bpmf.sweeps, "sweeps", show);
      }
      sweepBar.update(r.sweep);
      if (r.sweep % every === 0 || r.sweep === o.bpmf.sweeps) {
        sweepBar.stop();
        say(
          `${String(r.sweep).padStart(5)}  ${r.trainRmse.toFixed(4).padStart(10)}  ${
            Number.isNaN(r.validationRmse) ? "—".padStart(9) : r.validationRmse.toFixed(4).padStart(9)
          }  ${(1 / Math.sqrt(r.alpha)).toFixed(4).padStart(8)}  ${fmtMs(seconds * 1000).padStart(10)}`,
        );
        if (r.sweep < o.bpmf.sweeps) sweepBar = startProgress("Sampling", o.bpmf.sweeps, "sweeps", show);
        sweepBar.update(r.sweep);
      }
    },
    ranking: o.ranking,
    onRanking: (stage, done, total) => {
      if (done === 0) {
        rankBar?.stop();
        say(`Ranking model: ${stage}`);
        rankBar = startProgress("Ranking model", total, "sweeps", show);
      }
      rankBar?.update(done);
      if (done === total) rankBar?.stop();
    },
  }).finally(() => {
    bar.stop();
    sweepBar?.stop();
    bar = { update() {}, stop() {} };
  });
  using _model = result.model;
  const b = result.bpmf!;
  if (o.json) {
    console.log(JSON.stringify({
      method: "bpmf",
      ratingsPath: o.ratingsPath,
      modelPath: result.modelPath,
      threads: result.threads,
      config: b.config,
      data: result.data,
      split: result.split,
      sweeps: b.sweeps.map((s, i) => ({ ...s, seconds: b.sweepSeconds[i] })),
      noiseSd: b.noiseSd,
      test: { ...result.test, posterior: b.test.model, stored: b.test.stored, buckets: b.test.buckets },
      ranking: result.ranking,
    }));
    return;
  }
  if (result.ranking) console.log(rankingModelLine(result.ranking));
  if (result.modelPath) console.log(`Saved ${result.modelPath}`);
  const t = result.test;
  if (t.model.n === 0) {
    console.log(`\nNo test set (--test 0): nothing to report; validation RMSE is in the table above.`);
    return;
  }
  console.log(
    `\nTest set: ${fmtInt(t.model.n)} ratings of "${o.ratingsPath}" (loaded ${
      fmtInt(result.data.nRatings)
    } in ${fmtMs(result.data.loadMs)})`,
  );
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(table(["model", "RMSE", "MAE", "inside 90% interval"], [
    ["global mean", t.globalMean.rmse.toFixed(4), t.globalMean.mae.toFixed(4), ""],
    ["biases only", t.biasOnly.rmse.toFixed(4), t.biasOnly.mae.toFixed(4), ""],
    [
      `Bayesian PMF${result.metadata ? " + metadata" : ""} (k=${b.config.k}), as saved`,
      b.test.stored.rmse.toFixed(4),
      b.test.stored.mae.toFixed(4),
      pct(b.test.stored.coverage90),
    ],
    [
      `Bayesian PMF, the ${b.config.sweeps - b.config.burnIn} samples`,
      b.test.model.rmse.toFixed(4),
      b.test.model.mae.toFixed(4),
      pct(b.test.model.coverage90),
    ],
  ], [1, 2, 3]));
  console.log(
    `\nThe samples' 90% intervals by the movie's training ratings (noise sd ${b.noiseSd.toFixed(3)}):\n${
      calibrationTable([b.test.buckets])
    }`,
  );
  const ranked = rankingTestReport(result.ranking);
  if (ranked) console.log(ranked);
}
