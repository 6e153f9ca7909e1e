import assert from "node:assert/strict";
import { PmfModel } from "../lib/model/model.ts";
import { MovieVectors, predictMovie, topMovies } from "../lib/serve/recommend.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { seededFloats } from "./_helpers.ts";

Deno.test("topMovies() returns the highest predictions in order, skipping excluded movies", async () => {
  const core = await WasmCore.create();
  const ids = (n: number) => Uint32Array.from({ length: n }, (_, i) => i + 1);
  using model = new PmfModel(core, { nUsers: 3, nMovies: 200, k: 6 }, ids(3), ids(200));
  model.mu = 3.4;
  const p = model.p.view, q = model.q.view;
  const pf = seededFloats(3 * 6, 1), qf = seededFloats(200 * 6, 2);
  for (let r = 0; r < 3; r++) for (let j = 0; j < 6; j++) p[r * model.stride + j] = pf[r * 6 + j];
  for (let r = 0; r < 200; r++) for (let j = 0; j < 6; j++) q[r * model.stride + j] = qf[r * 6 + j];
  model.bi.view.set(seededFloats(200, 3));
  model.bu.view.set([0.2, -0.1, 0]);
  using vectors = new MovieVectors(core, model, null);
  const exclude = new Set([5, 17, 99]);
  const top = topMovies(core, model, vectors, 1, 10, exclude);
  // An independent reference in f64: rank by the raw score (predictions clamp at 5, which would make ties).
  const raw = (m: number) => {
    let dot = 0;
    for (let j = 0; j < 6; j++) dot += p[model.stride + j] * q[m * model.stride + j];
    return model.mu + model.bu.view[1] + model.bi.view[m] + dot;
  };
  const predicted = (m: number) => Math.min(5, Math.max(0.5, raw(m)));
  const brute = Array.from({ length: 200 }, (_, m) => m)
    .filter((m) => !exclude.has(m))
    .sort((a, b) => raw(b) - raw(a) || a - b)
    .slice(0, 10);
  assert.deepEqual(top.map((t) => t.movie), brute);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(top[i].rating - predicted(brute[i])) < 1e-5);
  // One prediction goes through the same kernel as the ranking.
  using out = core.allocArray(Float32Array, 1);
  for (const m of [0, 5, 199]) {
    assert.ok(Math.abs(predictMovie(core, model, vectors, 1, m, out) - predicted(m)) < 1e-5);
  }
  assert.throws(
    () =>
      new MovieVectors(
        core,
        new PmfModel(core, { nUsers: 1, nMovies: 1, k: 2 }, ids(1), ids(1), {
          nFeatures: 3,
          schema: "x",
        }),
        null,
      ),
    /without its movie features/,
  );
});
