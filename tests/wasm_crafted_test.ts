/**
 * Crafted arguments against the built core: sizes whose products or sums
 * overflow 32 or 64 bits, offsets at the end of memory, counts past their
 * tables, unsorted or inconsistent inputs. Each call must fail with the core's
 * own error ("Cannot run core kernel …"), never a WebAssembly trap, and the
 * core must keep working afterwards.
 */

import assert from "node:assert/strict";
import { TrainPass, WasmCore } from "../lib/core/wasm.ts";

const MAX = 2 ** 32 - 1;

Deno.test("every kernel refuses crafted sizes and offsets with an error, never a trap", async () => {
  const core = await WasmCore.create();
  const k = core.kernels;
  using a = core.allocArray(Uint32Array, 64);
  using b = core.allocArray(Uint32Array, 64);
  using c = core.allocArray(Uint32Array, 64);
  const end = core.memoryBytes;
  const cases: [string, () => unknown][] = [
    ["dot: n near 2^32", () => k.dot(a.ptr, b.ptr, MAX, false)],
    ["axpy: y at the end of memory", () => k.axpy(1, a.ptr, end - 4, 8)],
    [
      "scoreMovies: first + count overflows",
      () => k.scoreMovies(a.ptr, 0, 0, b.ptr, 4, 4, 0, MAX, 4, c.ptr, false, false),
    ],
    [
      "scoreMovies: count × stride overflows",
      () => k.scoreMovies(a.ptr, 0, 0, b.ptr, 256, 4, 0, 0, 2 ** 30, c.ptr, false, false),
    ],
    ["topMovies: excluded not increasing", () => {
      a.view.set([3, 1]);
      return k.topMovies(b.ptr, 0, 0, c.ptr, 4, 4, 0, 4, a.ptr, 2, 2, b.ptr, c.ptr);
    }],
    [
      "topMovies: n beyond memory",
      () => k.topMovies(b.ptr, 0, 0, c.ptr, 4, 4, 0, 4, 0, 0, MAX, b.ptr, c.ptr),
    ],
    [
      "parseRatings: capacity past memory",
      () => k.parseRatings(a.ptr, 4, true, b.ptr, b.ptr, b.ptr, b.ptr, 0, MAX, 0, 0),
    ],
    [
      "parseRatings: start past capacity",
      () => k.parseRatings(a.ptr, 4, true, b.ptr, b.ptr, b.ptr, b.ptr, 9, 4, 0, 0),
    ],
    ["idsMark: id past the table", () => {
      a.view.set([1_000_000]);
      return k.idsMark(a.ptr, 1, b.ptr, 64);
    }],
    ["idsRemap: unmarked id", () => {
      a.view.set([63]);
      b.view.fill(0xffffffff);
      return k.idsRemap(a.ptr, 1, b.ptr, 64);
    }],
    ["countingOrder: key past n_keys", () => {
      a.view.set([5]);
      return k.countingOrder(a.ptr, 1, 2, b.ptr, 0, c.ptr);
    }],
    ["countingOrder: n_keys + 1 overflows", () => k.countingOrder(a.ptr, 1, MAX, b.ptr, 0, c.ptr)],
    ["gather32: permutation entry past n", () => {
      b.view.set([7]);
      return k.gather32(a.ptr, b.ptr, 1, c.ptr);
    }],
    ["userOffsets: rows not sorted by user", () => {
      a.view.set([2, 1]);
      return k.userOffsets(a.ptr, 2, 3, b.ptr);
    }],
    ["checksum: n words past memory", () => k.checksum(a.ptr, MAX, false)],
    ["metaProject: indptr points past the values", () => {
      a.view.set([0, 1_000_000]);
      return k.metaProject(a.ptr, b.ptr, c.ptr, 1, 4, 4, b.ptr, c.ptr, b.ptr, c.ptr, 0, 1);
    }],
    ["metaProject: rows past the matrix", () => {
      a.view.set([0, 0]);
      return k.metaProject(a.ptr, b.ptr, c.ptr, 1, 4, 4, b.ptr, c.ptr, b.ptr, c.ptr, 0, 2);
    }],
    [
      "metaProject: stride not a multiple of 4",
      () => k.metaProject(a.ptr, b.ptr, c.ptr, 1, 4, 6, b.ptr, c.ptr, b.ptr, c.ptr, 0, 1),
    ],
    [
      "metaReduceHidden: units × cols overflows",
      () => k.metaReduceHidden(a.ptr, b.ptr, c.ptr, 1, MAX, 256, 4, b.ptr, c.ptr, b.ptr, c.ptr, b.ptr),
    ],
    ["foldIn: k above 256", () => k.foldIn(a.ptr, b.ptr, c.ptr, 1, 300, 300, 3.5, 1, 1, 5, c.ptr)],
    ["foldIn: n × stride overflows", () => k.foldIn(a.ptr, b.ptr, c.ptr, MAX, 256, 4, 3.5, 1, 1, 5, c.ptr)],
  ];
  using pass = new TrainPass();
  pass.n_users = MAX;
  pass.n_movies = 1;
  pass.k = 4;
  pass.stride = 4;
  pass.p = a.ptr;
  pass.q = b.ptr;
  pass.bu = c.ptr;
  pass.bi = c.ptr;
  cases.push(["trainRange: n_users × stride overflows", () => k.trainRange(pass.address(), 0, 0, false)]);
  cases.push(["errorsRange: start after end", () => {
    pass.n_users = 1;
    pass.users = a.ptr;
    pass.movies = a.ptr;
    pass.ratings = a.ptr;
    pass.n_ratings = 4;
    return k.errorsRange(pass.address(), 3, 2);
  }]);
  cases.push(["trainRange: a rating names a user outside the model", () => {
    a.view.fill(0);
    a.view[0] = 9;
    return k.trainRange(pass.address(), 0, 1, false);
  }]);
  cases.push(["trainRange: pass address is not a pass", () => k.trainRange(end - 8, 0, 0, false)]);
  for (const [name, call] of cases) {
    assert.throws(call, (e: unknown) => {
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `${name}: trapped (${e})`);
      assert.match(String((e as Error).message), /^Cannot run core kernel "\w+": /, name);
      return true;
    }, name);
  }
  // The core still works.
  core.view(Float32Array, a.ptr, 4).set([1, 2, 3, 4]);
  assert.equal(k.dot(a.ptr, a.ptr, 4, false), 30);
});
