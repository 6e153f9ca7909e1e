import assert from "node:assert/strict";
import { WorkerPool } from "../lib/core/pool.ts";
import { scoreArgs, WasmCore } from "../lib/core/wasm.ts";
import { ROOT, runDenoScript, seededFloats } from "./_helpers.ts";

/** An ML-20M-sized scoring workload: 26,744 movies, k = 64. */
async function workload() {
  const core = await WasmCore.create();
  const n = 26_744, k = 64;
  const user = core.allocArray(Float32Array, k);
  const factors = core.allocArray(Float32Array, n * k);
  const bias = core.allocArray(Float32Array, n);
  user.view.set(seededFloats(k, 1));
  factors.view.set(seededFloats(n * k, 2));
  bias.view.set(seededFloats(n, 3));
  const base = {
    user: user.ptr,
    userBias: 0.25,
    mu: 3.25,
    factors: factors.ptr,
    stride: k,
    k,
    bias: bias.ptr,
  };
  return { core, n, base };
}

Deno.test("WorkerPool gives the same scores on 2 Workers as on 1 thread", async () => {
  const { core, n, base } = await workload();
  using single = core.allocArray(Float32Array, n);
  using parallel = core.allocArray(Float32Array, n);
  core.scoreMovies({ ...base, first: 0, count: n, out: single.ptr });

  await using pool = await WorkerPool.create(core, { threads: 2 });
  assert.equal(pool.size, 2);
  const half = Math.ceil(n / 2);
  await pool.runAll([
    { kernel: "scoreMovies", args: scoreArgs({ ...base, first: 0, count: half, out: parallel.ptr }) },
    {
      kernel: "scoreMovies",
      args: scoreArgs({ ...base, first: half, count: n - half, out: parallel.ptr + 4 * half }),
    },
  ]);
  assert.deepEqual(parallel.view, single.view);
  assert.ok(single.view.every(Number.isFinite));
});

Deno.test("WorkerPool runs each Worker's tasks in the order given, both queues at once", async () => {
  const { core, n, base } = await workload();
  using out = core.allocArray(Float32Array, n);
  await using pool = await WorkerPool.create(core, { threads: 2 });
  // Worker w scores its half three times with user biases 0, 1, 2 into the same
  // range: only in-order execution leaves the bias-2 scores.
  const half = Math.ceil(n / 2);
  const ranges = [{ first: 0, count: half }, { first: half, count: n - half }];
  await Promise.all(ranges.flatMap((range, w) =>
    [0, 1, 2].map((offset) =>
      pool.run(w, {
        kernel: "scoreMovies",
        args: scoreArgs({ ...base, ...range, userBias: offset, out: out.ptr + 4 * range.first }),
      })
    )
  ));
  using check = core.allocArray(Float32Array, n);
  core.scoreMovies({ ...base, userBias: 2, first: 0, count: n, out: check.ptr });
  assert.deepEqual(out.view, check.view);
});

Deno.test("WorkerPool reports a kernel failure in a Worker as an error, and keeps working", async () => {
  const core = await WasmCore.create();
  await using pool = await WorkerPool.create(core, { threads: 1 });
  await assert.rejects(
    pool.run(0, { kernel: "dot", args: [0, 16, 4, false] }),
    /Cannot run core kernel "dot": buffer "a" is null/,
  );
  using a = core.allocArray(Float32Array, 4);
  a.view.set([1, 2, 3, 4]);
  assert.equal(await pool.run(0, { kernel: "dot", args: [a.ptr, a.ptr, 4, false] }), 30);
});

Deno.test("WorkerPool.close() frees every Worker's stack in the core and refuses later work", async () => {
  const core = await WasmCore.create();
  const before = core.heapBytes;
  const pool = await WorkerPool.create(core, { threads: 2 });
  assert.ok(core.heapBytes >= before + 2 * 65536, "each Worker got a stack from the core's heap");
  await pool.close();
  await pool.close();
  assert.equal(core.heapBytes, before);
  await assert.rejects(pool.run(0, { kernel: "dot", args: [0, 0, 0, false] }), /pool is closed/);
});

Deno.test("WorkerPool.close() waits for the tasks in flight before it frees anything", async () => {
  const { core, n, base } = await workload();
  using out = core.allocArray(Float32Array, n);
  const before = core.heapBytes;
  const pool = await WorkerPool.create(core, { threads: 2 });
  let settled = 0;
  const tasks = Array.from(
    { length: 40 },
    (_, i) =>
      pool.run(i % 2, {
        kernel: "scoreMovies",
        args: scoreArgs({ ...base, first: 0, count: n, out: out.ptr }),
      })
        .then(() => settled++),
  );
  await pool.close();
  assert.equal(settled, 40, "every task ran to the end before the Workers were stopped");
  assert.equal(core.heapBytes, before);
  await Promise.all(tasks);
});

Deno.test("WorkerPool.create() validates its options", async () => {
  const core = await WasmCore.create();
  await assert.rejects(WorkerPool.create(core, { threads: 0 }), /expected an integer in 1–256/);
  assert.equal(core.bytesInUse, 0);
});

Deno.test("A process that used the pool exits on its own: no Worker is left hanging", async () => {
  const script = `
    import { WasmCore } from ${JSON.stringify(new URL("lib/core/wasm.ts", ROOT).href)};
    import { WorkerPool } from ${JSON.stringify(new URL("lib/core/pool.ts", ROOT).href)};
    const core = await WasmCore.create();
    const pool = await WorkerPool.create(core, { threads: 2 });
    using a = core.allocArray(Float32Array, 8);
    a.view.fill(1);
    await pool.runAll([0, 1].map(() => ({ kernel: "axpy", args: [1, a.ptr, a.ptr, 8] as [number, number, number, number] })));
    await pool.close();
    console.log("closed");
  `;
  const { code, stdout, stderr } = await runDenoScript(["run", "--allow-read", "--no-lock"], script, 30_000);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), "closed");
});
