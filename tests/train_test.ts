import assert from "node:assert/strict";
import { segmentOrder, USER_SEGMENT } from "../lib/train/train_layout.ts";
import { Rng } from "../lib/util/_random.ts";
import { generateMovieLens, type GeneratorInfo } from "../lib/data/generate.ts";
import { ModelFileError, readCheckpoint } from "../lib/train/checkpoint.ts";
import { TrainingDivergedError } from "../lib/train/train.ts";
import { trainFromFile, type TrainOptions } from "../lib/train/train_pipeline.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { existsSync, missingSharedData, SHARED_DATA, tempDir } from "./_helpers.ts";

/** One generated default set shared by the tests of this file. */
let shared: { dir: string; info: GeneratorInfo } | undefined;
async function defaultSet() {
  if (!shared) {
    const dir = await Deno.makeTempDir({ prefix: "pmf-train-" });
    shared = { dir, info: await generateMovieLens({ outDir: dir }) };
  }
  return shared;
}

async function train(options: Partial<TrainOptions> & { modelPath: string | null }) {
  const { dir } = await defaultSet();
  const core = await WasmCore.create();
  const result = await trainFromFile(core, { ratingsPath: `${dir}/ratings.csv`, threads: 2, ...options });
  result.model.free();
  return result;
}

Deno.test("trainFromFile() with the defaults gets within 5% of the generator's noise floor", async () => {
  const { info } = await defaultSet();
  const r = await train({ modelPath: null });
  assert.ok(
    r.test.model.rmse <= info.oracleRmse * 1.05,
    `RMSE ${r.test.model.rmse} vs floor ${info.oracleRmse}`,
  );
  assert.ok(r.test.model.rmse < r.test.biasOnly.rmse && r.test.biasOnly.rmse < r.test.globalMean.rmse);
  assert.ok(r.bestEpoch >= 1 && r.history.length >= r.bestEpoch);
});

Deno.test("trainFromFile() with the same seed and threads writes byte-identical model files", async () => {
  await using dir = await tempDir();
  const opts = { epochs: 4, k: 16, optimizer: "adam" as const };
  await train({ ...opts, modelPath: `${dir.path}/a.bin` });
  await train({ ...opts, modelPath: `${dir.path}/b.bin` });
  await train({ ...opts, seed: 7, modelPath: `${dir.path}/c.bin` });
  const a = await Deno.readFile(`${dir.path}/a.bin`);
  assert.deepEqual(await Deno.readFile(`${dir.path}/b.bin`), a);
  assert.notDeepEqual(await Deno.readFile(`${dir.path}/c.bin`), a);
});

Deno.test("trainFromFile() writes byte-identical model files on 1, 2 and 3 Workers (the grid, not the threads, shapes the model)", async () => {
  await using dir = await tempDir();
  for (const optimizer of ["sgd", "adam", "adagrad"] as const) {
    const files = [];
    for (const threads of [1, 2, 3]) {
      const path = `${dir.path}/${optimizer}-${threads}.bin`;
      await train({ epochs: 3, k: 16, optimizer, threads, modelPath: path });
      files.push(await Deno.readFile(path));
    }
    assert.deepEqual(files[1], files[0], `${optimizer}: 2 Workers vs 1`);
    assert.deepEqual(files[2], files[0], `${optimizer}: 3 Workers vs 1`);
  }
});

Deno.test("a run stopped after epoch 2 on 2 Workers and resumed on 1 ends with the same model as an uninterrupted run", async () => {
  await using dir = await tempDir();
  for (const optimizer of ["sgd", "adam", "adagrad"] as const) {
    const opts = { k: 8, optimizer, patience: 100 };
    await train({ ...opts, epochs: 5, modelPath: `${dir.path}/full.bin` });
    await train({ ...opts, epochs: 2, modelPath: `${dir.path}/part.bin` });
    const resumed = await train({ resume: true, epochs: 5, threads: 1, modelPath: `${dir.path}/part.bin` });
    assert.equal(resumed.history.length, 5);
    assert.deepEqual(
      await Deno.readFile(`${dir.path}/part.bin`),
      await Deno.readFile(`${dir.path}/full.bin`),
      optimizer,
    );
  }
});

Deno.test("a diverging learning rate stops with the epoch and a smaller rate, keeping the last good model file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/m.bin`;
  await train({ epochs: 2, k: 8, modelPath: path });
  const good = await Deno.readFile(path);
  await assert.rejects(
    train({ epochs: 3, k: 8, learningRate: 5, modelPath: path }),
    (e: unknown) => {
      assert.ok(e instanceof TrainingDivergedError);
      assert.match(
        e.message,
        /^Training diverged at epoch 1: train RMSE is .*; use a smaller learning rate, for example --lr 1\.3 \(now 5\)/,
      );
      return true;
    },
  );
  assert.deepEqual(await Deno.readFile(path), good);
});

Deno.test("readCheckpoint() refuses truncated, corrupt, foreign and other-version files with a reason", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/m.bin`;
  await train({ epochs: 1, k: 8, modelPath: path });
  const core = await WasmCore.create();
  const good = await Deno.readFile(path);
  const refuse = async (bytes: Uint8Array, pattern: RegExp, training = false) => {
    await Deno.writeFile(path, bytes);
    const before = core.bytesInUse;
    await assert.rejects(readCheckpoint(core, path, { training }), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, pattern);
      return true;
    });
    assert.equal(core.bytesInUse, before, "nothing half-loaded is left");
  };
  await refuse(good.slice(0, good.length - 100), /it is truncated: \d+ bytes, expected at least \d+/);
  // A flipped byte in the model's own arrays is refused for any load; one in the
  // training state (at the end of the file) when resuming, which reads it.
  const headerLen = new DataView(good.buffer).getUint32(12, true);
  const layout = JSON.parse(new TextDecoder().decode(good.subarray(32, 32 + headerLen)));
  const q = layout.arrays.find((a: { name: string }) => a.name === "q");
  const inModel = good.slice();
  inModel[q.offset + 8] ^= 1;
  await refuse(inModel, /its array "q" fails its checksum \(corrupt\)/);
  const at = (name: string) => layout.arrays.find((a: { name: string }) => a.name === name).offset + 8;
  const flipped = good.slice();
  flipped[at("cur_q")] ^= 1;
  await refuse(flipped, /its array "cur_q" fails its checksum \(corrupt\)/, true);
  // The ranking model's arrays are read for predictions (not when resuming).
  const ranking = good.slice();
  ranking[at("rank_movies")] ^= 1;
  await refuse(ranking, /its array "rank_movies" fails its checksum \(corrupt\)/);
  const header = good.slice();
  header[40] ^= 1;
  await refuse(header, /its header fails its checksum \(corrupt\)/);
  await refuse(
    new TextEncoder().encode("PK\x03\x04 not a model at all, a zip file perhaps"),
    /not a movie-recommender model file/,
  );
  const old = good.slice();
  new DataView(old.buffer).setUint32(8, 0, true);
  await refuse(old, /format version 0, this version reads 1; retrain with 'deno task train'/);
  await assert.rejects(
    readCheckpoint(core, `${dir.path}/none.bin`),
    /file not found; train one with 'deno task train'/,
  );
  await Deno.writeFile(path, good);
  const { model, header: h } = await readCheckpoint(core, path);
  assert.equal(h.epoch, 1);
  model.free();
});

Deno.test({
  name: "ml-latest-small (random split, 10% test, seed 42) reaches test RMSE ≤ 0.86 with the defaults",
  ignore: missingSharedData(
    "ml-latest-small/ratings.csv",
    "ml-latest-small (random split, 10% test, seed 42) reaches test RMSE ≤ 0.86 with the defaults",
  ),
  fn: async () => {
    const core = await WasmCore.create();
    await using dir = await tempDir();
    await Deno.copyFile(`${SHARED_DATA}ml-latest-small/ratings.csv`, `${dir.path}/ratings.csv`);
    const r = await trainFromFile(core, {
      ratingsPath: `${dir.path}/ratings.csv`,
      modelPath: null,
      threads: 2,
      split: { kind: "random", seed: 42, validation: 0.05, test: 0.1 },
    });
    r.model.free();
    assert.ok(r.test.model.rmse <= 0.86, `test RMSE ${r.test.model.rmse}`);
    assert.ok(r.test.model.rmse < r.test.biasOnly.rmse);
  },
});

Deno.test("cleanup of the shared generated set", async () => {
  if (shared) await Deno.remove(shared.dir, { recursive: true });
  shared = undefined;
});

Deno.test("trainFromFile() takes the model's lock: a live owner is named and refused, a dead one's lock and temp files are cleaned", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/m.bin`;
  // A live owner: this very process.
  await Deno.writeTextFile(
    `${path}.lock`,
    JSON.stringify({ pid: Deno.pid, started: "2026-11-26T08:00:00Z" }),
  );
  await assert.rejects(
    train({ epochs: 1, k: 8, modelPath: path }),
    new RegExp(
      `^Error: Cannot train into ".*m\\.bin": another training \\(process ${Deno.pid}, started 2026-11-26T08:00:00Z\\) is writing it; wait for it to finish or use another --model`,
    ),
  );
  assert.equal(existsSync(path), false, "nothing was written");
  // A dead owner (killed): its lock is taken over and its temporary file removed.
  await Deno.writeTextFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, started: "x" }));
  await Deno.writeFile(`${path}.tmp-${2 ** 22 + 17}`, new Uint8Array(1000));
  await train({ epochs: 1, k: 8, modelPath: path });
  const left = [...Deno.readDirSync(dir.path)].map((e) => e.name).sort();
  assert.deepEqual(left, ["m.bin"], "no lock and no temporary file is left");
});

Deno.test("trainFromFile() into a model path that is a folder says so, and leaves no temporary file", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/model.bin`);
  await assert.rejects(
    train({ epochs: 1, k: 8, modelPath: `${dir.path}/model.bin` }),
    /Cannot write ".*model\.bin": it is a folder; give a file name/,
  );
  const left = [...Deno.readDirSync(dir.path)].map((e) => e.name).sort();
  assert.deepEqual(left, ["model.bin"]);
});

Deno.test("segmentOrder() visits every user once, in runs of 64 adjacent users, in a seeded order", () => {
  for (const n of [0, 1, 63, 64, 65, 1000]) {
    const order = segmentOrder(n, new Rng(7, 999));
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `n=${n}`);
    for (let i = 0; i < n; i++) {
      const start = order[i] % USER_SEGMENT === 0 || i === 0;
      if (!start) assert.equal(order[i], order[i - 1] + 1, `n=${n}: a run continues with the next user`);
    }
  }
  const a = segmentOrder(1000, new Rng(7, 999)), b = segmentOrder(1000, new Rng(8, 999));
  assert.deepEqual(a, segmentOrder(1000, new Rng(7, 999)));
  assert.notDeepEqual(a, b);
});
