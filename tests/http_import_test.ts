import assert from "node:assert/strict";
import { ROOT, runDenoScript } from "./_helpers.ts";

const TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Serves the repository read-only on 127.0.0.1, as a package host would. */
function serveRepo(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const ext = path.slice(path.lastIndexOf("."));
    if (path.includes("..") || !TYPES[ext]) return new Response("not found", { status: 404 });
    try {
      const body = await Deno.readFile(new URL(path.slice(1), ROOT));
      return new Response(body, { headers: { "content-type": TYPES[ext] } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

Deno.test("mod.ts imported over HTTP loads the wasm and computes on the main thread and on Workers", async () => {
  const server = serveRepo();
  const host = `127.0.0.1:${server.addr.port}`;
  try {
    const script = `
      import { WasmCore, WorkerPool } from "http://${host}/mod.ts";
      const core = await WasmCore.create();
      using a = core.allocArray(Float32Array, 5);
      a.view.set([1, 2, 3, 4, 5]);
      const main = core.dot(a.ptr, a.ptr, 5);
      const pool = await WorkerPool.create(core, { threads: 2 });
      const workers = await pool.runAll([0, 1].map(() => ({ kernel: "dot", args: [a.ptr, a.ptr, 5, false] })));
      await pool.close();
      console.log(JSON.stringify({ main, workers }));
    `;
    // No file permission at all: everything comes over HTTP.
    const args = [
      "run",
      `--allow-import=${host}`,
      `--allow-net=${host}`,
      `--reload=http://${host}/`,
      "--no-lock",
      "--no-config",
    ];
    const { code, stdout, stderr } = await runDenoScript(args, script);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), { main: 55, workers: [55, 55] });
  } finally {
    await server.shutdown();
  }
});
