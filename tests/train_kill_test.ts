import assert from "node:assert/strict";
import { readCheckpoint } from "../lib/train/checkpoint.ts";
import { generateMovieLens } from "../lib/data/generate.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { DENO, ROOT, tempDir } from "./_helpers.ts";

Deno.test("a training process killed at any moment (SIGKILL) leaves a model file that loads", async () => {
  await using dir = await tempDir();
  // Many users and k = 256 make each checkpoint ~12 MB, so kills often land mid-write.
  await generateMovieLens({ outDir: dir.path, ratings: 60_000, users: 2500, movies: 400, seed: 9 });
  const model = `${dir.path}/model.bin`;
  const core = await WasmCore.create();
  let loaded = 0;
  for (const delay of [900, 1100, 1300, 1500, 1700, 1900]) {
    const child = new Deno.Command(DENO, {
      args: [
        "run",
        "--config",
        new URL("deno.json", ROOT).pathname,
        "-A",
        new URL("cli/train.ts", ROOT).pathname,
        "--data",
        dir.path,
        "--k",
        "256",
        "--epochs",
        "10000",
        "--patience",
        "10000",
        "--model",
        model,
        "--quiet",
        ...(loaded ? ["--resume"] : []),
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill("SIGKILL");
    await child.status;
    try {
      await Deno.stat(model);
    } catch {
      continue;
    }
    const { model: m, header, state } = await readCheckpoint(core, model, { training: true });
    assert.ok(header.epoch >= 1);
    m.free();
    state?.model.free();
    state?.optimizerState?.free();
    loaded++;
  }
  assert.ok(loaded >= 3, `a model file was found after only ${loaded} of 6 kills`);
});
