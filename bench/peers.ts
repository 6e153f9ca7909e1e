/**
 * Our trainer against LIBMF, the speed and accuracy peer, on exactly our
 * training and validation ratings, interleaved in one run:
 *
 *   deno task bench --peers [--runs N] [--epochs N] [--libmf-iterations N] [--csv FILE] [--optimizer NAME]
 *
 * (also `deno task bench:peers …`). --optimizer picks our optimiser (default: the product's default
 * without metadata, AdaGrad; see `defaultOptimizer`).
 *
 * LIBMF is crates.io `libmf = "=0.4.0"` (its own C++ sources) built with
 * `CXXFLAGS="-O3 -march=native -DUSEAVX"` for its AVX kernel, run by the small
 * helper in `bench/libmf_peer/`; its per-iteration lines are timestamped as they
 * arrive. Both sides use k = 64 and measure validation RMSE after every epoch
 * (iteration), so an epoch's time includes it on both. Per round, for 1 and 2
 * threads, the order of the two alternates. Figures: seconds per epoch (median
 * of epochs 2…), wall time from the start of training to LIBMF's best
 * validation RMSE + 0.2% (ratings loading excluded on both sides), best
 * validation RMSE, test RMSE (the split's test side: ours at the best validation
 * epoch, the model training keeps; LIBMF after its last iteration, measured
 * outside the timed epochs on both sides), and peak RSS; each as ours / LIBMF
 * per round, median and range.
 * Records the ratios as the "peers" section of bench/results/latest.json.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ml20mShape } from "./_ingest_section.ts";
import { median, recordSections, round } from "./_report.ts";
import { writePeerSplit } from "./_peer_split.ts";
import { defaultOptimizer, OPTIMIZER_NAMES } from "../lib/train/config.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    epochs: { type: "string", default: "20" },
    "libmf-iterations": { type: "string", default: "20" },
    csv: { type: "string" },
    optimizer: { type: "string", default: defaultOptimizer(false) },
    peers: { type: "boolean", default: false },
  },
});
if (!(OPTIMIZER_NAMES as readonly string[]).includes(values.optimizer)) {
  throw new Error(`Invalid --optimizer "${values.optimizer}": expected sgd, adam or adagrad`);
}
const runs = Number(values.runs),
  epochs = Number(values.epochs),
  iterations = Number(values["libmf-iterations"]);
const K = 64, LAMBDA = 0.05;
const csv = values.csv ?? await ml20mShape();
const splitPath = "bench/data/peer-split.bin";
const counts = await writePeerSplit(csv, splitPath);
console.error(
  `split: ${counts.train} training, ${counts.validation} validation and ${counts.test} test ratings → ${splitPath}`,
);
const helper = await buildHelper();
const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => "")).match(/model name\s*:\s*(.*)/)?.[1] ??
  "?";

interface Run {
  /** Seconds of each epoch (iteration), validation included. */
  seconds: number[];
  /** Validation RMSE after each epoch. */
  rmse: number[];
  /** Peak resident memory of the process, MiB. */
  peakRss: number;
  /** Test RMSE of the model one would keep: ours at the best validation epoch, LIBMF's after its last iteration. */
  testRmse: number;
}

/** Our trainer: bench/train_bench.ts with validation after every epoch. */
async function ours(threads: number): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "bench/train_bench.ts",
      csv,
      String(threads),
      String(epochs),
      "--validation",
      `--optimizer=${values.optimizer}`,
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("our training benchmark failed");
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const r = JSON.parse(lines[lines.length - 1]);
  const best = r.validation_rmse.indexOf(Math.min(...r.validation_rmse));
  return {
    seconds: r.epoch_seconds,
    rmse: r.validation_rmse,
    peakRss: r.peak_rss_mib,
    testRmse: r.test_rmse[best],
  };
}

/** LIBMF through the helper; each iteration line is timestamped as it arrives. */
async function libmf(threads: number): Promise<Run> {
  const child = new Deno.Command(helper, {
    args: [splitPath, String(K), String(threads), String(iterations), String(LAMBDA)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stamps: number[] = [], rmse: number[] = [];
  let last = "";
  let pending = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    const now = performance.now();
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (/^iter\s/.test(line.trim())) stamps.push(now); // training starts
      const m = line.trim().match(/^(\d+)\s+([\d.]+)\s+([\d.]+)/);
      if (m) {
        stamps.push(now);
        rmse.push(Number(m[3]));
      }
      if (line.startsWith("{")) last = line;
    }
  }
  if (!(await child.status).success) throw new Error("the LIBMF helper failed");
  const seconds = stamps.slice(1).map((t, i) => (t - stamps[i]) / 1000);
  const summary = JSON.parse(last);
  return { seconds, rmse, peakRss: summary.peak_rss_mib, testRmse: summary.test_rmse };
}

/** Seconds from the start of training until validation RMSE first reaches `target`, or null. */
function timeTo(run: Run, target: number): number | null {
  let t = 0;
  for (let i = 0; i < run.rmse.length; i++) {
    t += run.seconds[i];
    if (run.rmse[i] <= target) return t;
  }
  return null;
}

const rows = new Map<string, { ours: number[]; libmf: number[] }>();
const add = (name: string, o: number, l: number) => {
  if (!rows.has(name)) rows.set(name, { ours: [], libmf: [] });
  rows.get(name)!.ours.push(o);
  rows.get(name)!.libmf.push(l);
};
for (let r = 0; r < runs; r++) {
  for (const threads of [1, 2]) {
    const first = (r + threads) % 2 === 0;
    const a = first ? await ours(threads) : await libmf(threads);
    const b = first ? await libmf(threads) : await ours(threads);
    const [o, l] = first ? [a, b] : [b, a];
    add(
      `s/epoch, ${threads} thread${threads > 1 ? "s" : ""}`,
      median(o.seconds.slice(1)),
      median(l.seconds.slice(1)),
    );
    const target = Math.min(...l.rmse) * 1.002;
    const to = timeTo(o, target), tl = timeTo(l, target)!;
    add(
      `s to LIBMF's best validation RMSE + 0.2%, ${threads} thread${threads > 1 ? "s" : ""}`,
      to ?? NaN,
      tl,
    );
    add(
      `best validation RMSE, ${threads} thread${threads > 1 ? "s" : ""}`,
      Math.min(...o.rmse),
      Math.min(...l.rmse),
    );
    add(
      `test RMSE of the kept model, ${threads} thread${threads > 1 ? "s" : ""}`,
      o.testRmse,
      l.testRmse,
    );
    add(`peak RSS MiB, ${threads} thread${threads > 1 ? "s" : ""}`, o.peakRss, l.peakRss);
    console.error(`round ${r + 1}/${runs}, ${threads} thread(s) done`);
  }
}

const stats = (xs: number[]) => ({
  median: round(median(xs), 4),
  min: round(Math.min(...xs), 4),
  max: round(Math.max(...xs), 4),
});
const report = [...rows].map(([figure, v]) => ({
  figure,
  ours: stats(v.ours),
  libmf: stats(v.libmf),
  ratio_ours_over_libmf: stats(v.ours.map((o, i) => o / v.libmf[i])),
}));
console.log(
  `CPU: ${cpu}; ${counts.train} training ratings, k = ${K}, ours ${values.optimizer}, LIBMF λ = ${LAMBDA}; ${runs} rounds`,
);
for (const r of report) {
  const ours = Number.isNaN(r.ours.median) ? `not reached in ${epochs} epochs` : String(r.ours.median);
  const ratio = Number.isNaN(r.ratio_ours_over_libmf.median)
    ? "—"
    : `${r.ratio_ours_over_libmf.median} (${r.ratio_ours_over_libmf.min}–${r.ratio_ours_over_libmf.max})`;
  console.log(`${r.figure.padEnd(52)} ours ${ours}  LIBMF ${r.libmf.median}  ours/LIBMF ${ratio}`);
}
await recordSections(
  "bench/results/latest.json",
  { peers: { csv, k: K, optimizer: values.optimizer, lambda: LAMBDA, epochs, iterations, runs, report } },
  { date: new Date().toISOString(), cpu },
);
console.log("Wrote bench/results/latest.json (section peers)");

/** Builds the LIBMF helper (its C++ with the AVX kernel) and returns its path. */
async function buildHelper(): Promise<string> {
  const manifest = new URL("./libmf_peer/Cargo.toml", import.meta.url).pathname;
  const cargo = Deno.env.get("CARGO") ?? "cargo";
  const out = await new Deno.Command(cargo, {
    args: ["build", "--quiet", "--release", "--manifest-path", manifest],
    env: { CXXFLAGS: "-O3 -march=native -DUSEAVX" },
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(
      `Cannot build the LIBMF helper with "${cargo}"; install Rust (rustup or apt-get install cargo)`,
    );
  }
  return new URL("./libmf_peer/target/release/libmf_peer", import.meta.url).pathname;
}
