import assert from "node:assert/strict";
import { WasmCore } from "../lib/core/wasm.ts";
import { seededFloats } from "./_helpers.ts";

/** The dot product in the lane order documented in core-wasm/src/vector.rs, in f32. */
function laneOrderDot(a: Float32Array, b: Float32Array): number {
  const f = Math.fround;
  const n = a.length;
  const acc0 = [0, 0, 0, 0];
  const acc1 = [0, 0, 0, 0];
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    for (let j = 0; j < 4; j++) {
      acc0[j] = f(acc0[j] + f(a[i + j] * b[i + j]));
      acc1[j] = f(acc1[j] + f(a[i + 4 + j] * b[i + 4 + j]));
    }
  }
  if (i + 4 <= n) {
    for (let j = 0; j < 4; j++) acc0[j] = f(acc0[j] + f(a[i + j] * b[i + j]));
    i += 4;
  }
  const s = acc0.map((v, j) => f(v + acc1[j]));
  let h = f(f(s[0] + s[1]) + f(s[2] + s[3]));
  for (; i < n; i++) h = f(h + f(a[i] * b[i]));
  return h;
}

Deno.test("WasmCore.dot() agrees bit for bit with its scalar twin and the documented lane order", async () => {
  const core = await WasmCore.create();
  for (let n = 0; n <= 70; n++) {
    const a = seededFloats(n, n + 1);
    const b = seededFloats(n, n + 500);
    using pa = core.allocArray(Float32Array, n);
    using pb = core.allocArray(Float32Array, n);
    pa.view.set(a);
    pb.view.set(b);
    const simd = core.dot(pa.ptr, pb.ptr, n);
    assert.equal(simd, core.dot(pa.ptr, pb.ptr, n, true), `n=${n}`);
    assert.equal(simd, laneOrderDot(a, b), `n=${n}`);
  }
  assert.equal(core.bytesInUse, 0);
});

Deno.test("WasmCore.axpy() adds a scaled vector in place", async () => {
  const core = await WasmCore.create();
  using x = core.allocArray(Float32Array, 7);
  using y = core.allocArray(Float32Array, 7);
  x.view.set([1, 2, 3, 4, 5, 6, 7]);
  y.view.fill(1);
  core.axpy(0.5, x.ptr, y.ptr, 7);
  assert.deepEqual(Array.from(y.view), [1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
});

Deno.test("WasmCore.scoreMovies() matches its scalar twin and a reference, with bias and offset", async () => {
  const core = await WasmCore.create();
  const n = 257, k = 13, stride = 16;
  using user = core.allocArray(Float32Array, k);
  using factors = core.allocArray(Float32Array, n * stride);
  using bias = core.allocArray(Float32Array, n);
  using simd = core.allocArray(Float32Array, n);
  using scalar = core.allocArray(Float32Array, n);
  user.view.set(seededFloats(k, 7));
  factors.view.set(seededFloats(n * stride, 8));
  bias.view.set(seededFloats(n, 9));
  const args = {
    user: user.ptr,
    userBias: 0.25,
    mu: 3.25,
    factors: factors.ptr,
    stride,
    k,
    bias: bias.ptr,
    first: 0,
    count: n,
  };
  core.scoreMovies({ ...args, out: simd.ptr });
  core.scoreMovies({ ...args, out: scalar.ptr }, true);
  assert.deepEqual(simd.view, scalar.view);
  const u = user.view, f = factors.view, b = bias.view;
  const f32 = Math.fround;
  // The formula's order: ((mu + user bias) + movie bias) + dot.
  const raw = (i: number) =>
    f32(f32(f32(3.25 + 0.25) + b[i]) + laneOrderDot(u, f.subarray(i * stride, i * stride + k)));
  for (const i of [0, 1, 100, n - 1]) assert.equal(simd.view[i], raw(i));
  core.scoreMovies({ ...args, out: simd.ptr, clamped: true });
  for (const i of [0, 1, 100, n - 1]) assert.equal(simd.view[i], Math.min(5, Math.max(0.5, raw(i))));
});

Deno.test("WasmCore.scoreMovies() scores only the requested movies, into count values", async () => {
  const core = await WasmCore.create();
  using user = core.allocArray(Float32Array, 4);
  using factors = core.allocArray(Float32Array, 40);
  using out = core.allocArray(Float32Array, 6);
  user.view.fill(1);
  factors.view.set(Array.from({ length: 40 }, (_, i) => Math.floor(i / 4)));
  out.view.fill(-9);
  core.scoreMovies({
    user: user.ptr,
    userBias: 0,
    mu: 0,
    factors: factors.ptr,
    stride: 4,
    k: 4,
    bias: 0,
    first: 3,
    count: 4,
    out: out.ptr + 4,
  });
  assert.deepEqual(Array.from(out.view), [-9, 12, 16, 20, 24, -9]);
});

Deno.test("WasmCore kernels throw an error with the core's message, not a trap, for bad buffers", async () => {
  const core = await WasmCore.create();
  using a = core.allocArray(Float32Array, 4);
  const end = core.memoryBytes;
  assert.throws(
    () => core.dot(a.ptr, end - 8, 4),
    /^Error: Cannot run core kernel "dot": buffer "b" \(4 elements at \d+\) reaches past the end of memory$/,
  );
  assert.throws(() => core.dot(0, a.ptr, 4), /buffer "a" is null/);
  assert.throws(() => core.dot(a.ptr + 2, a.ptr, 1), /buffer "a" at \d+ is not aligned to 4 bytes/);
  const score = { user: a.ptr, userBias: 0, mu: 0, factors: a.ptr, bias: 0, first: 0, count: 1, out: a.ptr };
  assert.throws(
    () => core.scoreMovies({ ...score, stride: 2, k: 4 }),
    /k 4 must be positive and at most the stride 2/,
  );
  assert.throws(
    () => core.scoreMovies({ ...score, stride: 4, k: 4, first: 0xffffffff, count: 2 }),
    /overflows/,
  );
  // @ts-expect-error: a call with too few arguments is refused at run time too
  assert.throws(() => core.call("dot", [1, 2]), /expected 4 arguments/);
  // The core still works after each refusal.
  a.view.set([1, 2, 3, 4]);
  assert.equal(core.dot(a.ptr, a.ptr, 4), 30);
});

Deno.test("WasmCore.alloc() gives zeroed, aligned blocks, refuses bad requests and frees once", async () => {
  const core = await WasmCore.create();
  const heap = core.heapBytes;
  const a = core.alloc(100, 64), b = core.alloc(0), c = core.alloc(33, 4096);
  assert.equal(a % 64, 0);
  assert.equal(c % 4096, 0);
  assert.ok(new Set([a, b, c]).size === 3);
  assert.ok(core.view(Uint8Array, a, 100).every((x) => x === 0));
  assert.equal(core.bytesInUse, 133);
  assert.throws(() => core.alloc(8, 24), /alignment "24" is not a power of two/);
  assert.throws(() => core.alloc(-1), /non-negative integer/);
  for (const p of [a, b, c]) core.free(p);
  assert.throws(() => core.free(a), /not a live block/);
  assert.equal(core.bytesInUse, 0);
  assert.equal(core.heapBytes, heap);
});

Deno.test("WasmCore memory grows on demand and fresh views see the new size", async () => {
  const core = await WasmCore.create();
  const before = core.memoryBytes;
  using big = core.allocArray(Float32Array, 16 * 1024 * 1024); // 64 MiB
  assert.ok(core.memoryBytes > before);
  assert.ok(core.memoryBytes >= big.ptr + 16 * 1024 * 1024);
  big.view.fill(2);
  using small = core.allocArray(Float32Array, 4);
  small.view.fill(3);
  assert.equal(core.dot(big.ptr + (big.length - 4) * 4, small.ptr, 4), 24);
});

Deno.test("CoreArray refuses use after free and frees once", async () => {
  const core = await WasmCore.create();
  const arr = core.allocArray(Int32Array, 3);
  arr.free();
  arr.free();
  assert.throws(() => arr.view, /freed/);
  assert.equal(core.bytesInUse, 0);
});
