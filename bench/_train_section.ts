/** The training section of `deno task bench`: epochs at k = 64 on 1 and N threads, and the native kernel. */

import { ml20mShape } from "./_ingest_section.ts";
import { round } from "./_report.ts";

async function run(cmd: string, args: string[], cwd?: string): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(cmd, { args, cwd, stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** Trains 5 epochs per thread count in a fresh process each; then the native kernel on the same layout. */
export async function benchTrain(threads: number): Promise<Record<string, unknown>> {
  const csv = await ml20mShape();
  const script = new URL("./train_bench.ts", import.meta.url).pathname;
  const layout = "bench/data/layout-1thread.bin";
  // SGD throughout: the native kernel it is compared with is SGD's, and the metadata epoch (SGD, the
  // default with metadata) is compared with a plain SGD epoch.
  const sgd = "--optimizer=sgd";
  const one = await run(Deno.execPath(), ["run", "-A", script, csv, "1", "5", sgd]);
  const many = threads > 1
    ? await run(Deno.execPath(), ["run", "-A", script, csv, String(threads), "5", sgd])
    : one;
  await run(Deno.execPath(), ["run", "-A", script, csv, "1", "1", layout, sgd]);
  const dir = csv.replace(/\/ratings\.csv$/, "");
  try {
    await Deno.stat(`${dir}/tmdb_features.csr`);
  } catch {
    const { preprocess } = await import("../lib/features/preprocess.ts");
    const { WasmCore } = await import("../lib/core/wasm.ts");
    await preprocess(await WasmCore.create(), { movielensDir: dir, tmdbDir: dir });
  }
  const meta = await run(Deno.execPath(), [
    "run",
    "-A",
    script,
    csv,
    String(threads),
    "4",
    "--features",
    dir,
    sgd,
  ]);
  // The product's plain epoch (no metadata) is AdaGrad's: the metadata epoch against that one too.
  const plainDefault = await run(Deno.execPath(), [
    "run",
    "-A",
    script,
    csv,
    String(threads),
    "5",
    "--optimizer=adagrad",
  ]);
  let native: Record<string, unknown> = {
    note: "Debian's cargo (/usr/bin/cargo) not found; native timing skipped",
  };
  try {
    await Deno.stat("/usr/bin/cargo");
    native = await run("/usr/bin/cargo", [
      "run",
      "--quiet",
      "--release",
      "--offline",
      "--example",
      "native_train_bench",
      "--manifest-path",
      "core-wasm/Cargo.toml",
      "--",
      layout,
      "64",
      "5",
    ]);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  } finally {
    await Deno.remove(layout).catch(() => {});
  }
  const s1 = one.epoch_seconds_median as number, sN = many.epoch_seconds_median as number;
  const nat = native.native_epoch_seconds_median as number | undefined;
  return {
    k: 64,
    train_ratings: one.train_ratings,
    epoch_seconds_1_thread: s1,
    [`epoch_seconds_${threads}_threads`]: sN,
    [`epoch_seconds_${threads}_threads_min`]: many.epoch_seconds_min,
    speedup: round(s1 / sN, 2),
    speedup_best_epochs: round((one.epoch_seconds_min as number) / (many.epoch_seconds_min as number), 2),
    ratings_per_s_1_thread: one.ratings_per_s,
    [`ratings_per_s_${threads}_threads`]: many.ratings_per_s,
    layout_seconds: many.layout_seconds,
    peak_rss_mib: Math.max(one.peak_rss_mib as number, many.peak_rss_mib as number),
    [`epoch_seconds_${threads}_threads_with_metadata`]: meta.epoch_seconds_median,
    // Issue 12's target is 1.3 or below (same thread count, consecutive processes); against plain SGD, and
    // against the default plain optimiser (AdaGrad) below.
    metadata_over_plain: round((meta.epoch_seconds_median as number) / sN, 2),
    [`epoch_seconds_${threads}_threads_adagrad`]: plainDefault.epoch_seconds_median,
    metadata_over_default_plain: round(
      (meta.epoch_seconds_median as number) / (plainDefault.epoch_seconds_median as number),
      2,
    ),
    metadata: meta.metadata,
    peak_rss_mib_with_metadata: meta.peak_rss_mib,
    native_scalar_epoch_seconds: nat ?? null,
    wasm_over_native: nat ? round(s1 / nat, 2) : null,
    native,
    runs: "5 epochs each; median (and min) of epochs 2–5; the machine is shared, so N-thread epochs vary",
  };
}
