import assert from "node:assert/strict";
import { generateSmallSet, runCommand } from "./_cli_helpers.ts";
import { existsSync, tempDir } from "./_helpers.ts";

Deno.test("demo with no data generates the default set, extracts metadata, trains, and recommends", async () => {
  await using dir = await tempDir();
  const first = await runCommand("demo.ts", ["--json"], dir.path);
  assert.equal(first.code, 0, first.stderr);
  const a = JSON.parse(first.stdout);
  assert.equal(a.generated, true);
  assert.equal(a.data, "data/default");
  assert.equal(a.ratings, 200_000);
  assert.ok(a.metadata.features > 100 && a.metadata.moviesCovered > 800);
  assert.ok(a.test.model.rmse < a.test.biasOnly.rmse && a.test.biasOnly.rmse < a.test.globalMean.rmse);
  assert.equal(a.top.length, 5);
  assert.ok(
    a.top.every((m: { predicted: number; score: number }, i: number, all: { score: number }[]) =>
      m.predicted >= 0.5 && m.predicted <= 5 && (i === 0 || all[i - 1].score >= m.score)
    ),
    "ordered by the ranking model's score, each with its predicted rating",
  );
  assert.ok((await Deno.stat(`${dir.path}/data/model/pmf_model.bin`)).size > 0);
  const second = JSON.parse((await runCommand("demo.ts", ["--json"], dir.path)).stdout);
  assert.equal(second.generated, false);
  assert.deepEqual(second.test, a.test, "the same data and seed give the same model");
  const text = await runCommand("demo.ts", ["--user", "2"], dir.path);
  assert.match(text.stdout, /PMF \+ metadata \(k=64\)\s+│ 0\.\d{4}/);
  assert.match(text.stdout, /Top 5 for user 2 \(who rated \d+ movies\).*ordered by the ranking model/);
  assert.match(
    text.stdout,
    /Next:\n {2}deno task predict\s+ask the model in an interactive prompt\n {2}deno task predict --user 2 --recommend 10\s/,
  );
  const unknown = await runCommand("demo.ts", ["--user", "99999"], dir.path);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown user "99999": the model knows 700 users with ids from 1 to 700/);
});

Deno.test("gen-data writes the requested shape and reports it", async () => {
  await using dir = await tempDir();
  const run = await runCommand("gen_data.ts", [
    "--ratings",
    "3000",
    "--users",
    "100",
    "--movies",
    "200",
    "--seed",
    "5",
    "--out",
    `${dir.path}/g`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Wrote 3,000 ratings by 100 users of 200 movies to .*\/g\/ in /);
  assert.match(run.stdout, /best reachable RMSE ≈ 0\.\d{4}/);
  const info = JSON.parse(await Deno.readTextFile(`${dir.path}/g/generator.json`));
  assert.equal(info.seed, 5);
});

Deno.test("commands exit 2 on usage errors and 1 on failures, with a message and no stack trace", async () => {
  const usage = await runCommand("gen_data.ts", ["--users", "many"]);
  assert.equal(usage.code, 2);
  assert.equal(
    usage.stderr,
    `error: Invalid --users "many": expected an integer in 1–2147483647\nRun 'deno task gen-data --help' for usage.\n`,
  );
  const unknown = await runCommand("demo.ts", ["--nope"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--nope'/);
  const missing = await runCommand("demo.ts", ["--data", "does/not/exist"]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^error: Cannot read ratings "does\/not\/exist\/ratings.csv": file not found;/,
  );
  assert.doesNotMatch(missing.stderr, /\bat .*\.ts:\d+/);
  const help = await runCommand("demo.ts", ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: deno task demo/);
});

Deno.test("train --json trains, saves the model and reports test metrics beside the baselines", async () => {
  await using dir = await tempDir();
  await generateSmallSet(dir.path);
  const run = await runCommand("train.ts", [
    "--data",
    dir.path,
    "--k",
    "8",
    "--epochs",
    "5",
    "--threads",
    "2",
    "--model",
    `${dir.path}/m.bin`,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.history.length, 5);
  assert.equal(out.config.k, 8);
  assert.ok(out.test.model.rmse < out.test.globalMean.rmse);
  assert.ok((await Deno.stat(`${dir.path}/m.bin`)).size > 0);
  // The ranking model: λ chosen among the defaults, and its lists on the test ratings beside most popular's.
  assert.deepEqual(out.ranking.selection.map((s: { reg: number }) => s.reg), [0.003, 0.01, 0.03]);
  const [ours, popular] = out.ranking.test.systems;
  assert.deepEqual([ours.name, popular.name], ["ranking model", "most popular"]);
  assert.ok(
    out.ranking.test.users > 50 && ours.at[10].ndcg > 0 && ours.at[10].ndcg <= 1,
    JSON.stringify(ours),
  );
  // The training curve: an SVG beside the model, with both series and the kept epoch marked.
  assert.equal(out.curvePath, `${dir.path}/m.curve.svg`);
  const svg = await Deno.readTextFile(out.curvePath);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const text of ["train", "validation", `kept: epoch ${out.bestEpoch}`]) {
    assert.ok(svg.includes(text), text);
  }
  const resumed = await runCommand("train.ts", [
    "--data",
    dir.path,
    "--model",
    `${dir.path}/m.bin`,
    "--resume",
    "--threads",
    "2",
  ]);
  assert.equal(resumed.code, 1);
  assert.match(
    resumed.stderr,
    /training already finished at epoch 5; pass a larger --epochs to train further/,
  );
  const bad = await runCommand("train.ts", ["--data", dir.path, "--optimizer", "rmsprop"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid --optimizer "rmsprop": expected sgd, adam or adagrad/);
});

Deno.test("cv --json reports each fold and the mean ± sd, the ranking model's beside most popular's", async () => {
  await using dir = await tempDir();
  const args = ["--ratings", "12000", "--users", "200", "--movies", "200", "--out", dir.path];
  const gen = await runCommand("gen_data.ts", args);
  assert.equal(gen.code, 0, gen.stderr);
  const run = await runCommand("cv.ts", [
    "--data",
    dir.path,
    "--folds",
    "3",
    "--k",
    "8",
    "--epochs",
    "4",
    "--curve",
    `${dir.path}/cv.svg`,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.foldCount, 3);
  assert.equal(out.folds.length, 3);
  assert.ok(out.rmse.mean > 0 && out.rmse.sd >= 0);
  const mean = out.folds.reduce((s: number, f: { model: { rmse: number } }) => s + f.model.rmse, 0) / 3;
  assert.ok(Math.abs(out.rmse.mean - mean) < 1e-12);
  const ndcg = out.folds.map((f: { ranking: { systems: { at: { 10: { ndcg: number } } }[] } }) =>
    f.ranking.systems[0].at[10].ndcg
  );
  assert.ok(Math.abs(out.ranking.ndcg10.mean - (ndcg[0] + ndcg[1] + ndcg[2]) / 3) < 1e-12);
  assert.ok(out.ranking.popularNdcg10.mean > 0 && out.ranking.recall20.mean > 0);
  assert.equal(out.metadata, null, "no features were made for this set");
  assert.equal(out.curvePath, `${dir.path}/cv.svg`);
  const cvSvg = await Deno.readTextFile(out.curvePath);
  assert.ok(["fold 1", "fold 2", "fold 3"].every((f) => cvSvg.includes(f)), "one validation curve per fold");
  // With features (as train uses them) and without.
  const pre = await runCommand("preprocess.ts", ["--data", dir.path]);
  assert.equal(pre.code, 0, pre.stderr);
  const cvArgs = [
    "--data",
    dir.path,
    "--folds",
    "2",
    "--k",
    "8",
    "--epochs",
    "2",
    "--curve",
    `${dir.path}/cv.svg`,
    "--json",
  ];
  const withMeta = JSON.parse((await runCommand("cv.ts", cvArgs)).stdout);
  assert.ok(withMeta.metadata.features > 0);
  assert.equal(withMeta.config.metadataDropout, 0.1);
  const without = JSON.parse(
    (await runCommand("cv.ts", [...cvArgs, "--no-metadata", "--no-ranking"])).stdout,
  );
  assert.equal(without.metadata, null);
  assert.equal(without.ranking, undefined, "--no-ranking leaves it out");
  assert.equal(without.folds[0].ranking, undefined);
});

Deno.test("train refuses a file that is one repeated rating, keeps the existing model, and --test 0 prints no NaN", async () => {
  await using dir = await tempDir();
  const ok = await runCommand("train.ts", ["--epochs", "2", "--quiet"], dir.path);
  assert.equal(ok.code, 0, ok.stderr);
  const model = `${dir.path}/data/model/pmf_model.bin`;
  const before = await Deno.readFile(model);
  await Deno.writeTextFile(
    `${dir.path}/same.csv`,
    "userId,movieId,rating\n" + "7,42,4.0\n".repeat(100_000),
  );
  const bad = await runCommand("train.ts", ["--ratings", "same.csv"], dir.path);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /Cannot train on "same\.csv": 1 distinct rating is left after dropping 99999 repeated \(user, movie\) rows \(the last of each is kept\), and the split gives training \d, validation \d, test \d; each side in use needs at least 10 ratings\. Use a larger ratings file, or leave a side out with --validation 0 or --test 0; no model file was written/,
  );
  assert.doesNotMatch(bad.stdout + bad.stderr, /NaN/);
  assert.deepEqual(await Deno.readFile(model), before, "the existing model file is untouched");
  const noTest = await runCommand(
    "train.ts",
    ["--data", "data/default", "--epochs", "2", "--test", "0", "--model", "other.bin"],
    dir.path,
  );
  assert.equal(noTest.code, 0, noTest.stderr);
  assert.doesNotMatch(noTest.stdout, /NaN/);
  assert.match(noTest.stdout, /No test set \(--test 0\)/);
});

Deno.test("a model trained in one folder predicts from another (paths are kept relative to the model file)", async () => {
  await using dir = await tempDir();
  const trained = await runCommand("demo.ts", ["--json"], dir.path);
  assert.equal(trained.code, 0, trained.stderr);
  const model = `${dir.path}/data/model/pmf_model.bin`;
  const elsewhere = await Deno.makeTempDir();
  try {
    for (const extra of [[], ["--no-metadata"]]) {
      const run = await runCommand(
        "predict.ts",
        ["--model", model, "--user", "1", "--movie", "1", "--json", ...extra],
        elsewhere,
      );
      assert.equal(run.code, 0, run.stderr);
      const p = JSON.parse(run.stdout);
      assert.ok(p.rating >= 0.5 && p.rating <= 5);
      assert.equal(p.usedMetadata, extra.length === 0);
      assert.notEqual(p.userMean, null, "the user's history was found through the model file");
    }
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("a negative number after a flag gets the flag's range message, not the parser's", async () => {
  for (
    const [file, args, message] of [
      ["train.ts", ["--k", "-3"], /Invalid --k "-3": expected an integer in 1–256/],
      [
        "predict.ts",
        ["--user", "1", "--recommend", "-5"],
        /Invalid --recommend "-5": expected an integer in 1–1000/,
      ],
      ["predict.ts", ["--similar", "x", "--n", "-1"], /Invalid --n "-1": expected an integer in 1–1000/],
    ] as const
  ) {
    const run = await runCommand(file, [...args]);
    assert.equal(run.code, 2, `${file} ${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

Deno.test({
  name: "Ctrl-C during train says which epoch the model file keeps and how to continue, and leaves no lock",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await using dir = await tempDir();
    const gen = await runCommand("gen_data.ts", ["--out", "data/default"], dir.path);
    assert.equal(gen.code, 0, gen.stderr);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        "-A",
        new URL("../cli/train.ts", import.meta.url).pathname,
        "--epochs",
        "1000",
        "--patience",
        "1000",
        "--no-metadata",
      ],
      cwd: dir.path,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    // Wait for the second epoch's line, then press Ctrl-C.
    const reader = child.stdout.getReader();
    let out = "";
    while (!/\n\s+2\s+\d\.\d{4}/.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    child.kill("SIGINT");
    reader.releaseLock();
    const { code, stderr } = await child.output();
    clearTimeout(timer);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 130, err);
    assert.match(
      err,
      /Interrupted during epoch \d+: "data\/model\/pmf_model\.bin" keeps epoch \d+ \(validation RMSE \d\.\d{4}\), the best of the \d+ epochs it holds\.\nContinue with: deno task train --epochs 1000 --patience 1000 --no-metadata --resume/,
    );
    assert.equal(existsSync(`${dir.path}/data/model/pmf_model.bin.lock`), false, "the lock is released");
    assert.ok(existsSync(`${dir.path}/data/model/pmf_model.bin`));
  },
});

Deno.test("train refuses to replace a model trained on other data unless --overwrite, and names the data in its report", async () => {
  await using dir = await tempDir();
  const first = await runCommand("train.ts", ["--epochs", "2", "--no-metadata"], dir.path);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Test set: [\d,]+ ratings of "data\/default\/ratings\.csv"/);
  assert.match(
    first.stdout,
    /Validation RMSE was still improving at the --epochs cap \(2\): more epochs may help, for example: deno task train --no-metadata --resume --epochs 4\n/,
  );
  const model = `${dir.path}/data/model/pmf_model.bin`;
  const before = await Deno.readFile(model);
  await generateSmallSet("other", dir.path);
  const refused = await runCommand("train.ts", ["--data", "other", "--epochs", "2"], dir.path);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /Cannot train into "data\/model\/pmf_model\.bin": it holds a model trained on ".*data\/default\/ratings\.csv" \(200000 ratings\), not on "other\/ratings\.csv"; pass --model FILE to keep both, or --overwrite to replace it/,
  );
  assert.deepEqual(await Deno.readFile(model), before);
  const again = await runCommand("train.ts", ["--epochs", "2", "--no-metadata"], dir.path);
  assert.equal(again.code, 0, "retraining on the same data replaces the model without asking");
  const forced = await runCommand("train.ts", ["--data", "other", "--epochs", "2", "--overwrite"], dir.path);
  assert.equal(forced.code, 0, forced.stderr);
});

Deno.test("a ratings file without movies.csv trains with a note, and predict then works by id", async () => {
  await using dir = await tempDir();
  await generateSmallSet("g", dir.path);
  await Deno.mkdir(`${dir.path}/alone`);
  await Deno.copyFile(`${dir.path}/g/ratings.csv`, `${dir.path}/alone/ratings.csv`);
  const run = await runCommand(
    "train.ts",
    ["--data", "alone", "--epochs", "2", "--model", "m.bin"],
    dir.path,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /note: No movies\.csv beside the ratings \("alone\/movies\.csv"\): movies will be shown as "Movie <id>"/,
  );
  const movieId = Number(
    (await Deno.readTextFile(`${dir.path}/alone/ratings.csv`)).split("\n")[1].split(",")[1],
  );
  const p = await runCommand("predict.ts", [
    "--model",
    "m.bin",
    "--user",
    "1",
    "--movie",
    String(movieId),
    "--json",
  ], dir.path);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).title, `Movie ${movieId}`);
});

Deno.test("evaluate --json ranks for both models and four baselines on one protocol: the ranking model above most popular, random below", async () => {
  await using dir = await tempDir();
  await generateSmallSet(dir.path);
  const run = await runCommand("evaluate.ts", ["--data", dir.path, "--k", "16", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.protocol.split, "time");
  assert.ok(out.protocol.users > 100, JSON.stringify(out.protocol));
  const names = out.systems.map((s: { name: string }) => s.name);
  assert.ok(/^ranking model \(iALS, k=128, λ=[\d.]+\)$/.test(names[0]), names[0]);
  assert.ok(/^rating model \(PMF, k=16, epoch \d+\)$/.test(names[1]), names[1]);
  assert.deepEqual(names.slice(2), ["most popular", "highest mean (shrunk by 10)", "biases only", "random"]);
  assert.equal(out.rankingModel.selection.length, 3);
  assert.ok(out.rankingModel.config.reg.includes(out.rankingModel.reg));
  for (const s of out.systems) {
    for (const k of [10, 20]) {
      const a = s.at[k];
      for (const x of [a.precision, a.recall, a.ndcg, a.map, a.coverage]) assert.ok(x >= 0 && x <= 1, s.name);
    }
  }
  const ndcg = (i: number) => out.systems[i].at[10].ndcg;
  assert.ok(ndcg(0) > ndcg(2), `the ranking model (${ndcg(0)}) is above most popular (${ndcg(2)})`);
  assert.ok(ndcg(5) < ndcg(2), "random is below most popular");
  const usage = await runCommand("evaluate.ts", ["--split", "sideways"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Invalid --split "sideways": expected time or random/);
});
