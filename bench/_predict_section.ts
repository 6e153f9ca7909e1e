/** The prediction section of `deno task bench`: a 2-epoch model on the ML-20M shape, then load / predict / top-10 / fold-in. */

import { ml20mShape } from "./_ingest_section.ts";

/** Trains the benchmark model once (if missing) and times the recommender in a fresh process. */
export async function benchPredict(): Promise<Record<string, unknown>> {
  const csv = await ml20mShape();
  const dir = csv.replace(/\/ratings\.csv$/, "");
  const model = "bench/data/ml20m-model.bin";
  try {
    await Deno.stat(model);
  } catch {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli/train.ts", "--data", dir, "--epochs", "2", "--model", model, "--quiet"],
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("training the benchmark model failed");
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./predict_bench.ts", import.meta.url).pathname, model],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("the prediction benchmark failed");
  return {
    ...JSON.parse(new TextDecoder().decode(out.stdout)),
    targets: { load_ms: 300, predict_ms: 1, top10_ms: 10, fold_in_ms: 20 },
  };
}
