/**
 * `deno task bench`: records benchmark figures to bench/results/latest.json.
 *
 * Numbers, not pass/fail: targets live in the issues and the README. Each
 * section returns plain figures; this file adds machine facts and writes one
 * JSON document. Compare runs on one machine by ratio, not absolute time.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { defaultThreads } from "../lib/core/pool.ts";
import { benchCore } from "./core_bench.ts";
import { benchIngest } from "./_ingest_section.ts";
import { benchTrain } from "./_train_section.ts";
import { benchPredict } from "./_predict_section.ts";
import { benchRanking } from "./_ranking_section.ts";
import { benchBpmf } from "./_bpmf_section.ts";
import { peakRssMiB, recordSections, round } from "./_report.ts";

const HELP =
  `Usage: deno task bench [--threads N] [--out FILE] [--only core|ingest|train|predict|ranking|bpmf]
       deno task bench --peers [--runs N] [--epochs N] [--optimizer NAME] [--csv FILE]

Runs the benchmarks and writes bench/results/latest.json (or FILE). The first
run generates an ML-20M-shaped data set (20,000,263 ratings, ~540 MB) under
bench/data/ and reuses it afterwards. --peers instead trains LIBMF beside our
trainer on the same split, interleaved, and records the ratios as the "peers"
section of bench/results/latest.json (bench/peers.ts has the details). Each run
replaces the sections it measures and keeps the others.
`;

if (Deno.args.includes("--peers") && !Deno.args.includes("--help") && !Deno.args.includes("-h")) {
  await import("./peers.ts");
  Deno.exit(0);
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    threads: { type: "string" },
    out: { type: "string", default: "bench/results/latest.json" },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}
const threads = values.threads ? Number(values.threads) : defaultThreads();

const started = new Date();
console.log(`Benchmarking with ${threads} thread(s)…`);
const sections: Record<string, unknown> = {};
if (!values.only || values.only === "core") {
  sections.core = await benchCore(threads);
  console.log("core:", sections.core);
}
if (!values.only || values.only === "ingest") {
  sections.ingest = await benchIngest();
  console.log("ingest:", sections.ingest);
}
if (!values.only || values.only === "train") {
  sections.train = await benchTrain(threads);
  console.log("train:", sections.train);
}
if (!values.only || values.only === "ranking") {
  sections.ranking = await benchRanking(threads);
  console.log("ranking:", sections.ranking);
}
if (!values.only || values.only === "bpmf") {
  sections.bpmf = await benchBpmf(threads);
  console.log("bpmf:", sections.bpmf);
}
if (!values.only || values.only === "predict") {
  sections.predict = await benchPredict();
  console.log("predict:", sections.predict);
}

await recordSections(values.out, sections, {
  date: started.toISOString(),
  deno: Deno.version.deno,
  v8: Deno.version.v8,
  os: Deno.build.os,
  arch: Deno.build.arch,
  cores: navigator.hardwareConcurrency,
  peak_rss_mib: round(peakRssMiB() ?? NaN, 1),
});
console.log(`Wrote ${values.out}`);
