/**
 * `deno task demo`: a smoke run of the numeric core.
 *
 * Builds a seeded random model of MovieLens-20M shape (26,744 movies, k = 64),
 * scores one user against every movie on the main thread and on a pool of
 * Workers over the same shared memory, checks that both agree bit for bit,
 * and prints the top movies and the timings.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { defaultThreads, WorkerPool } from "../lib/pool.ts";
import { scoreArgs, WasmCore } from "../lib/wasm.ts";

const HELP = `Usage: deno task demo [options]

Smoke run of the WebAssembly core: scores one user against every movie of a
random MovieLens-20M-shaped model on 1 thread and on N Workers.

Options:
  --threads N   Workers to use (default: ${defaultThreads()}, the number of cores)
  --movies N    movies in the random model (default: 26744)
  --k N         factors per movie (default: 64)
  --json        print one JSON object instead of text
  -h, --help    show this help
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`Invalid --${name} "${value}": expected a positive integer`);
    Deno.exit(2);
  }
  return n;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        threads: { type: "string" },
        movies: { type: "string" },
        k: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    Deno.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(HELP);
    return;
  }
  const threads = positiveInt("threads", values.threads, defaultThreads());
  const movies = positiveInt("movies", values.movies, 26_744);
  const k = positiveInt("k", values.k, 64);
  const stride = Math.ceil(k / 4) * 4;

  const t0 = performance.now();
  const core = await WasmCore.create();
  const loadMs = performance.now() - t0;
  using user = core.allocArray(Float32Array, stride);
  using factors = core.allocArray(Float32Array, movies * stride);
  using bias = core.allocArray(Float32Array, movies);
  using single = core.allocArray(Float32Array, movies);
  using parallel = core.allocArray(Float32Array, movies);
  const rand = seeded(42);
  const scale = 1 / Math.sqrt(k);
  const f = factors.view;
  for (let m = 0; m < movies; m++) {
    for (let j = 0; j < k; j++) f[m * stride + j] = (rand() * 2 - 1) * scale;
  }
  const u = user.view;
  for (let j = 0; j < k; j++) u[j] = (rand() * 2 - 1) * scale;
  const b = bias.view;
  for (let m = 0; m < movies; m++) b[m] = (rand() * 2 - 1) * 0.5;
  const base = { user: user.ptr, factors: factors.ptr, stride, k, bias: bias.ptr, offset: 3.5 };

  const t1 = performance.now();
  core.scoreMovies({ ...base, first: 0, count: movies, out: single.ptr });
  const singleMs = performance.now() - t1;

  await using pool = await WorkerPool.create(core, { threads });
  const per = Math.ceil(movies / threads);
  const tasks = Array.from({ length: threads }, (_, w) => {
    const first = Math.min(movies, w * per);
    const count = Math.min(per, movies - first);
    return { kernel: "scoreMovies" as const, args: scoreArgs({ ...base, first, count, out: parallel.ptr }) };
  });
  const t2 = performance.now();
  await pool.runAll(tasks);
  const poolMs = performance.now() - t2;

  const a = single.view, p = parallel.view;
  const identical = a.every((v, i) => Object.is(v, p[i]));
  const top = Array.from(a.keys()).sort((x, y) => a[y] - a[x] || x - y).slice(0, 5)
    .map((movie) => ({ movie, score: Number(a[movie].toFixed(4)) }));

  const result = { movies, k, threads, loadMs, singleMs, poolMs, identical, top };
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`Loaded the WebAssembly core in ${loadMs.toFixed(1)} ms (shared memory, SIMD).`);
    console.log(`Random model: ${movies.toLocaleString("en")} movies × k = ${k}.`);
    console.log(`Scored one user against every movie:`);
    console.log(`  main thread      ${singleMs.toFixed(2).padStart(8)} ms`);
    console.log(
      `  ${String(threads).padStart(2)} Worker(s)     ${
        poolMs.toFixed(2).padStart(8)
      } ms (first call, includes warm-up)`,
    );
    console.log(`  results identical: ${identical ? "yes" : "NO"}`);
    console.log(`Top 5 movies for this user:`);
    console.log(`  movie   score`);
    for (const t of top) console.log(`  ${String(t.movie).padStart(5)}   ${t.score.toFixed(4)}`);
  }
  if (!identical) Deno.exit(1);
}

if (import.meta.main) await main(Deno.args);
