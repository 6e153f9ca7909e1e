/**
 * Teardown when a Worker fails mid-epoch: the error reaches the caller, the
 * other Worker finishes its work before anything is freed, every byte goes
 * back to the core's heap (Worker stacks included), and the process exits.
 */

import assert from "node:assert/strict";
import { generateMovieLens } from "../lib/data/generate.ts";
import { ROOT, runDenoScript, tempDir } from "./_helpers.ts";

Deno.test("runTraining() with a Worker failing mid-epoch reports it, frees everything and the process exits", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 100_000, users: 600, movies: 600, seed: 3 });
  const lib = (file: string) => JSON.stringify(new URL(`lib/${file}`, ROOT).href);
  const script = `
    import { WasmCore } from ${lib("core/wasm.ts")};
    import { WorkerPool } from ${lib("core/pool.ts")};
    import { loadRatings } from ${lib("ingest/ratings_load.ts")};
    import { SPLIT, splitRatings } from ${lib("ingest/splits.ts")};
    import { freeState, initialState, runTraining } from ${lib("train/train.ts")};
    import { resolveTrainConfig } from ${lib("train/config.ts")};
    import { buildTrainLayout } from ${lib("train/train_layout.ts")};
    import { RatingSet } from ${lib("ingest/rating_set.ts")};

    const core = await WasmCore.create();
    const heap = core.heapBytes;
    const { ratings } = await loadRatings(core, ${JSON.stringify(`${dir.path}/ratings.csv`)});
    const split = splitRatings(ratings);
    const config = resolveTrainConfig({ k: 256, epochs: 3, blocks: 2 });
    const layout = buildTrainLayout(core, ratings, split, SPLIT.TRAIN, config.blocks, config.seed);
    // The first rating of block (1, 0) names a user outside the model: Worker 1 fails on it at
    // once in sub-epoch 1 of epoch 1, while Worker 0 has a whole block (0, 1) to train.
    const bad = layout.blockOffsets[1 * 2 + 0];
    layout.set.users.view[bad] = 1_000_000;
    const state = initialState(core, config, layout.set, ratings.userIds, ratings.movieIds);
    const empty = new RatingSet(core, 0);
    let message = "", busy = -1;
    const pool = await WorkerPool.create(core, { threads: 2 });
    try {
      await runTraining({ core, pool, layout, validation: empty, state });
    } catch (error) {
      message = error.message;
      busy = pool.busy;
    }
    await pool.close();
    freeState(state);
    empty.free();
    layout.set.free();
    ratings.free();
    console.log(JSON.stringify({ message, busy, bad, epoch: state.epoch, leaked: core.heapBytes - heap, inUse: core.bytesInUse }));
  `;
  const run = await runDenoScript(["run", "--allow-read", "--allow-write", "--no-lock"], script, 60_000);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(
    out.message,
    `Cannot run core kernel "trainRange": rating ${out.bad} names a user or movie outside the model`,
  );
  assert.equal(out.busy, 0, "the failure is reported only once the other Worker has finished");
  assert.equal(out.epoch, 0, "the failed epoch is not counted");
  assert.equal(out.inUse, 0, "every array was freed");
  assert.equal(out.leaked, 0, "the core's heap is back where it started: Worker stacks freed too");
});
