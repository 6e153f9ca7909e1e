import assert from "node:assert/strict";
import { readCheckpoint } from "../lib/train/checkpoint.ts";
import { generateMovieLens } from "../lib/data/generate.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { DENO, ROOT, tempDir } from "./_helpers.ts";

/** `deno task train` with `args`; stdout discarded, stderr piped (for `output()`) or discarded. */
function trainCommand(args: string[], stderr: "piped" | "null" = "null"): Deno.Command {
  return new Deno.Command(DENO, {
    args: [
      "run",
      "--config",
      new URL("deno.json", ROOT).pathname,
      "-A",
      new URL("cli/train.ts", ROOT).pathname,
      ...args,
    ],
    stdout: "null",
    stderr,
  });
}

Deno.test("a training process killed at any moment (SIGKILL) leaves a model file that loads", async () => {
  await using dir = await tempDir();
  // Many users and k = 256 make each checkpoint ~12 MB, so kills often land mid-write.
  await generateMovieLens({ outDir: dir.path, ratings: 60_000, users: 2500, movies: 400, seed: 9 });
  const model = `${dir.path}/model.bin`;
  const core = await WasmCore.create();
  let loaded = 0;
  for (const delay of [900, 1100, 1300, 1500, 1700, 1900]) {
    const child = trainCommand([
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
    ]).spawn();
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

Deno.test("a Gibbs sampler killed (SIGKILL) once its state is saved resumes to the same model file as an uninterrupted run", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 30_000, users: 600, movies: 300, seed: 4 });
  const run = (model: string, extra: string[] = [], stderr: "piped" | "null" = "piped") =>
    trainCommand([
      "--data",
      dir.path,
      "--method",
      "bpmf",
      "--k",
      "16",
      "--sweeps",
      "400",
      "--burn-in",
      "100",
      "--no-ranking",
      "--model",
      model,
      "--quiet",
      ...extra,
    ], stderr);
  const killed = `${dir.path}/killed.bin`;
  const child = run(killed, [], "null").spawn();
  // Wait for the event: the sampler state has been written (polled, no fixed sleep), then kill.
  const state = `${killed}.sampler`;
  while (true) {
    try {
      await Deno.stat(state);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.success, false, "killed before it finished");
  const resumed = await run(killed, ["--resume"]).output();
  assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
  const whole = await run(`${dir.path}/whole.bin`).output();
  assert.equal(whole.code, 0, new TextDecoder().decode(whole.stderr));
  assert.deepEqual(await Deno.readFile(killed), await Deno.readFile(`${dir.path}/whole.bin`));
});
