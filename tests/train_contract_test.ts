/**
 * One contract for every trainer variant: SIMD and scalar kernels, and one
 * or two Workers, on a tiny synthetic problem with a known answer.
 */

import assert from "node:assert/strict";
import { fillPass, OptimizerState } from "../lib/model/_pass.ts";
import { PmfModel } from "../lib/model/model.ts";
import { WorkerPool } from "../lib/core/pool.ts";
import { RatingSet } from "../lib/ingest/rating_set.ts";
import { TrainPass, WasmCore } from "../lib/core/wasm.ts";

/** A rank-2 checkerboard: rating = 3 + 1.5·(user parity == movie parity ? 1 : -1). */
function checkerboard(core: WasmCore, nUsers: number, nMovies: number): RatingSet {
  const set = new RatingSet(core, nUsers * nMovies);
  const u = set.users.view, m = set.movies.view, r = set.ratings.view;
  let i = 0;
  for (let a = 0; a < nUsers; a++) {
    for (let b = 0; b < nMovies; b++, i++) {
      u[i] = a;
      m[i] = b;
      r[i] = a % 2 === b % 2 ? 4.5 : 1.5;
    }
  }
  return set;
}

function initModel(core: WasmCore, nUsers: number, nMovies: number, k: number): PmfModel {
  const model = new PmfModel(
    core,
    { nUsers, nMovies, k },
    Uint32Array.from({ length: nUsers }, (_, i) => i),
    Uint32Array.from({ length: nMovies }, (_, i) => i),
  );
  model.mu = 3;
  for (const arr of [model.p, model.q]) {
    const v = arr.view;
    for (let row = 0; row < v.length / model.stride; row++) {
      for (let j = 0; j < k; j++) v[row * model.stride + j] = Math.sin(row * 7 + j * 3) * 0.1;
    }
  }
  return model;
}

for (const optimizer of ["sgd", "adam", "adagrad"] as const) {
  Deno.test(`trainRange (${optimizer}): SIMD and scalar kernels agree bit for bit and learn the checkerboard`, async () => {
    const core = await WasmCore.create();
    using set = checkerboard(core, 12, 10);
    const hyper = { optimizer, lr: 0.05, lrBias: 0.05, reg: 0.001, regBias: 0.001 };
    const finals: Float32Array[] = [];
    for (const scalar of [false, true]) {
      using model = initModel(core, 12, 10, 6);
      using state = OptimizerState.create(core, model, optimizer);
      using pass = new TrainPass();
      fillPass(pass, model, set, hyper, state);
      let first = 0, last = 0;
      for (let epoch = 0; epoch < 300; epoch++) {
        const sse = core.call("trainRange", [pass.address(), 0, set.n, scalar]);
        if (epoch === 0) first = Math.sqrt(sse / set.n);
        last = Math.sqrt(sse / set.n);
      }
      assert.ok(last < 0.05 && last < first / 10, `scalar ${scalar}: ${first} -> ${last}`);
      finals.push(model.q.view.slice());
      assert.equal(model.p.view[6], 0, "padding lanes stay zero");
    }
    assert.deepEqual(finals[0], finals[1]);
  });
}

Deno.test("trainRange on two Workers over disjoint blocks equals the same blocks run one after the other", async () => {
  const core = await WasmCore.create();
  using set = checkerboard(core, 8, 8);
  // Reorder so rows [0, 16) are users 0–3 × movies 0–3 and [16, 32) users 4–7 × movies 4–7: disjoint rows.
  const u = set.users.view, m = set.movies.view, r = set.ratings.view;
  const rows = Array.from({ length: 64 }, (_, i) => ({ u: u[i], m: m[i], r: r[i] }));
  const block = (x: { u: number; m: number }) => (x.u < 4 ? 0 : 2) + (x.m < 4 ? 0 : 1);
  rows.sort((a, b) => [0, 3, 1, 2].indexOf(block(a)) - [0, 3, 1, 2].indexOf(block(b)));
  rows.forEach((x, i) => {
    u[i] = x.u;
    m[i] = x.m;
    r[i] = x.r;
  });
  const hyper = { optimizer: "sgd" as const, lr: 0.05, lrBias: 0.05, reg: 0.01, regBias: 0.01 };
  const results: Float32Array[] = [];
  for (const parallel of [false, true]) {
    using model = initModel(core, 8, 8, 4);
    using pass = new TrainPass();
    fillPass(pass, model, set, hyper, null);
    await using pool = await WorkerPool.create(core, { threads: 2 });
    for (let epoch = 0; epoch < 20; epoch++) {
      const tasks = [
        {
          kernel: "trainRange" as const,
          args: [pass.address(), 0, 16, false] as [number, number, number, boolean],
        },
        {
          kernel: "trainRange" as const,
          args: [pass.address(), 16, 32, false] as [number, number, number, boolean],
        },
      ];
      if (parallel) await pool.runAll(tasks);
      else for (const t of tasks) await pool.run(0, t);
    }
    results.push(Float32Array.from([...model.p.view, ...model.q.view, ...model.bu.view, ...model.bi.view]));
  }
  assert.deepEqual(results[1], results[0]);
});

for (const optimizer of ["sgd", "adagrad", "adam"] as const) {
  Deno.test(`trainRange with metadata (${optimizer}): SIMD and scalar kernels agree bit for bit, dropped ratings included`, async () => {
    const core = await WasmCore.create();
    using set = checkerboard(core, 12, 10);
    // k = 6 (stride 8: two whole lanes of 4) and a third of the ratings trained as if the movie were new.
    const hyper = { optimizer, lr: 0.05, lrBias: 0.05, reg: 0.01, regBias: 0.01, drop: 0.3, salt: 7 };
    const finals: Float32Array[] = [];
    for (const scalar of [false, true]) {
      using model = initModel(core, 12, 10, 6);
      using state = OptimizerState.create(core, model, optimizer);
      const [m, g, mb, gb] = core.allocArrays(Float32Array, [10 * 8, 10 * 8, 10, 10], 64);
      using _free = { [Symbol.dispose]: () => [m, g, mb, gb].forEach((a) => a.free()) };
      m.view.forEach((_, i) => m.view[i] = i % 8 < 6 ? Math.cos(i) * 0.2 : 0);
      mb.view.forEach((_, i) => mb.view[i] = (i % 3) * 0.1);
      using pass = new TrainPass();
      fillPass(pass, model, set, hyper, state, { m, g, mb, gb });
      let first = 0, last = 0;
      for (let epoch = 0; epoch < 200; epoch++) {
        const sse = core.call("trainRange", [pass.address(), 0, set.n, scalar]);
        if (epoch === 0) first = sse;
        last = sse;
      }
      assert.ok(last < first / 2, `scalar ${scalar}: ${first} -> ${last}`);
      assert.ok(g.view.some((x) => x !== 0), "the metadata gradient is summed");
      finals.push(
        Float32Array.from([
          ...model.p.view,
          ...model.q.view,
          ...model.bu.view,
          ...model.bi.view,
          ...g.view,
          ...gb.view,
        ]),
      );
      assert.equal(model.p.view[6], 0, "padding lanes stay zero");
      assert.equal(g.view[6], 0, "padding lanes of the gradient stay zero");
    }
    assert.deepEqual(finals[0], finals[1]);
  });
}

Deno.test("metaProject and metaReduce (register-blocked SIMD) equal a float32 reference summed term by term", async () => {
  const core = await WasmCore.create();
  // Stride 44: one block of 32 lanes and three of 4; 5 movies with 0–6 features each.
  const rows = 5, cols = 9, stride = 44;
  const indptr = [0, 3, 3, 9, 10, 14];
  const indices = [0, 4, 8, 1, 2, 3, 5, 7, 8, 6, 0, 2, 4, 8];
  const values = indices.map((c, e) => Math.fround(Math.sin(e * 1.7 + c) * 2));
  const [ip, ix] = core.allocArrays(Uint32Array, [indptr.length, indices.length]);
  const [vx, w, wb, m, mb, g, gb, dw, dwb] = core.allocArrays(
    Float32Array,
    [values.length, cols * stride, cols, rows * stride, rows, rows * stride, rows, cols * stride, cols],
  );
  try {
    ip.view.set(indptr);
    ix.view.set(indices);
    vx.view.set(values);
    w.view.forEach((_, i, a) => (a[i] = Math.cos(i * 0.37) * 0.5));
    wb.view.forEach((_, i, a) => (a[i] = i * 0.1 - 0.3));
    g.view.forEach((_, i, a) => (a[i] = Math.sin(i * 0.11)));
    const gCopy = g.view.slice(), gbCopy = Float32Array.from({ length: rows }, (_, i) => i - 2);
    gb.view.set(gbCopy);
    const csr = [ip.ptr, ix.ptr, vx.ptr, rows, cols, stride] as const;
    core.kernels.metaProject(...csr, w.ptr, wb.ptr, m.ptr, mb.ptr, 0, rows);
    core.kernels.metaReduce(...csr, g.ptr, gb.ptr, dw.ptr, dwb.ptr, 0, rows);
    const f = Math.fround;
    const wantM = new Float32Array(rows * stride), wantDw = new Float32Array(cols * stride);
    for (let i = 0; i < rows; i++) {
      for (let e = indptr[i]; e < indptr[i + 1]; e++) {
        const c = indices[e], v = values[e];
        for (let j = 0; j < stride; j++) {
          wantM[i * stride + j] = f(wantM[i * stride + j] + f(v * w.view[c * stride + j]));
          wantDw[c * stride + j] = f(wantDw[c * stride + j] + f(v * gCopy[i * stride + j]));
        }
      }
    }
    assert.deepEqual(m.view, wantM);
    assert.deepEqual(dw.view, wantDw);
    assert.equal(mb.view[1], 0, "a movie without features projects to zero");
    assert.ok(g.view.every((x) => x === 0) && gb.view.every((x) => x === 0), "the sums are consumed");
  } finally {
    for (const a of [ip, ix, vx, w, wb, m, mb, g, gb, dw, dwb]) a.free();
  }
});
