/**
 * Old commit against new, interleaved on one machine:
 *   deno run -A bench/compare.ts OLD_TREE NEW_TREE [--runs N] [--threads N] [--only NAME]
 *
 * Each tree is a checkout of one commit (for example made with
 * `git worktree add /tmp/old REV`; measure a snapshot, not the tree you are
 * editing) whose bench/data points at this tree's bench/data, the same
 * ML-20M-shaped set (`deno task bench` makes it). Each round runs every
 * measurement once in the old tree and once in this one, alternating which
 * goes first, so drift of the machine's speed hits both alike. Prints, per
 * figure, each side's median and range and the median of the per-round
 * ratios new/old (below 1 is faster), and writes them to
 * bench/results/compare.json.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ml20mShape } from "./_ingest_section.ts";
import { median, round } from "./_report.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "5" },
    threads: { type: "string", default: "2" },
    only: { type: "string" },
  },
});
const [oldTree, newTree] = positionals;
if (!oldTree || !newTree) {
  console.error(
    "Usage: deno run -A bench/compare.ts OLD_TREE NEW_TREE [--runs N] [--threads N] [--only NAME]",
  );
  Deno.exit(2);
}
const runs = Number(values.runs), threads = values.threads;
const csv = await ml20mShape();
const model = "bench/data/ml20m-model.bin";

/** One measurement: the script (relative to a tree), its arguments, and the figures it prints. */
const all: { name: string; script: string; args: string[]; figures: string[] }[] = [
  { name: "ingest parse", script: "bench/ingest_bench.ts", args: [csv, "parse"], figures: ["seconds"] },
  { name: "ingest cached", script: "bench/ingest_bench.ts", args: [csv, "cache"], figures: ["seconds"] },
  {
    name: `train ${threads} threads`,
    script: "bench/train_bench.ts",
    args: [csv, threads, "5"],
    figures: ["epoch_seconds_median", "peak_rss_mib"],
  },
  {
    name: `train with metadata ${threads} threads`,
    script: "bench/train_bench.ts",
    args: [csv, threads, "3", "--features", csv.replace(/\/ratings\.csv$/, "")],
    figures: ["epoch_seconds_median"],
  },
  {
    name: "train 1 thread",
    script: "bench/train_bench.ts",
    args: [csv, "1", "4"],
    figures: ["epoch_seconds_median"],
  },
  {
    name: "predict",
    script: "bench/predict_bench.ts",
    args: [model],
    figures: ["load_ms", "predict_ms", "top10_ms", "fold_in_10_ratings_plus_top10_ms"],
  },
];

const measures = all.filter((m) => !values.only || m.name.includes(values.only));

async function runIn(tree: string, script: string, args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${tree}/${script}`, ...args],
    cwd: tree,
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${tree}/${script} ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

const samples = new Map<string, { old: number[]; new: number[] }>();
for (let round_ = 0; round_ < runs; round_++) {
  for (const m of measures) {
    const order = round_ % 2 ? ["new", "old"] as const : ["old", "new"] as const;
    for (const side of order) {
      const result = await runIn(side === "old" ? oldTree : newTree, m.script, m.args);
      for (const f of m.figures) {
        const key = `${m.name}: ${f}`;
        if (!samples.has(key)) samples.set(key, { old: [], new: [] });
        samples.get(key)![side].push(result[f]);
      }
    }
  }
  console.error(`round ${round_ + 1}/${runs} done`);
}

const stats = (xs: number[]) => ({
  median: round(median(xs), 4),
  min: Math.min(...xs),
  max: Math.max(...xs),
});
const report = [...samples].map(([figure, s]) => {
  const ratios = s.new.map((v, i) => v / s.old[i]);
  return {
    figure,
    old: stats(s.old),
    new: stats(s.new),
    ratio_new_over_old: { ...stats(ratios), median: round(median(ratios), 3) },
  };
});
for (const r of report) {
  console.log(
    `${
      r.figure.padEnd(44)
    } old ${r.old.median} (${r.old.min}–${r.old.max})  new ${r.new.median} (${r.new.min}–${r.new.max})  new/old ${r.ratio_new_over_old.median} (${
      round(r.ratio_new_over_old.min, 3)
    }–${round(r.ratio_new_over_old.max, 3)})`,
  );
}
await Deno.mkdir("bench/results", { recursive: true });
await Deno.writeTextFile(
  "bench/results/compare.json",
  JSON.stringify({ date: new Date().toISOString(), oldTree, newTree, runs, threads, report }, null, 2) + "\n",
);
