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

Deno.test("mod.ts imported over HTTP loads the wasm and trains on Workers and predicts on the main thread", async () => {
  const server = serveRepo();
  const host = `127.0.0.1:${server.addr.port}`;
  try {
    const script = `
      import { fit } from "http://${host}/mod.ts";
      const ratings = [];
      for (let userId = 1; userId <= 40; userId++) {
        for (let movieId = 1; movieId <= 30; movieId++) {
          if ((userId + movieId) % 3 !== 0) ratings.push({ userId, movieId, rating: movieId % 2 ? 5 : 1 });
        }
      }
      using rec = await fit(ratings, { k: 8, epochs: 60, seed: 1, threads: 2 });
      const liked = rec.predictRating({ userId: 1, movieId: 5 }).rating;
      const disliked = rec.predictRating({ userId: 1, movieId: 8 }).rating;
      console.log(JSON.stringify({ liked: liked > 4, disliked: disliked < 2 }));
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
    // Its own module cache: the shared one holds older checkouts' modules under the
    // same 127.0.0.1 ports, and once ran one of them despite --reload.
    const denoDir = await Deno.makeTempDir({ prefix: "pmf-http-cache-" });
    try {
      const { code, stdout, stderr } = await runDenoScript(args, script, 60_000, { DENO_DIR: denoDir });
      assert.equal(code, 0, stderr);
      assert.deepEqual(JSON.parse(stdout), { liked: true, disliked: true });
    } finally {
      await Deno.remove(denoDir, { recursive: true });
    }
  } finally {
    await server.shutdown();
  }
});
