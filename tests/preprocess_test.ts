import assert from "node:assert/strict";
import { generateMovieLens } from "../lib/data/generate.ts";
import { readNpyHeader } from "../lib/features/npy.ts";
import { preprocess } from "../lib/features/preprocess.ts";
import { WasmCore } from "../lib/core/wasm.ts";
import { tempDir } from "./_helpers.ts";

/** Debian's python3 with numpy, when it is installed. */
async function numpyPython(): Promise<string | null> {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = await new Deno.Command(python, { args: ["-c", "import numpy"], stderr: "null" }).output();
      if (out.success) return python;
    } catch { /* not there */ }
  }
  return null;
}

Deno.test("preprocess() on generated data writes features numpy reads, a consistent index map, and coverage", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 30_000, users: 200, movies: 400, seed: 4 });
  const core = await WasmCore.create();
  const report = await preprocess(core, { movielensDir: dir.path, tmdbDir: dir.path });
  assert.equal(report.creditRows, report.tmdbMovies);
  assert.ok(report.mappedByLink > 0.8 * 400 * 0.85 && report.mappedByTitle >= 1, JSON.stringify(report));
  assert.ok(report.ratingShare! > 0.7 && report.ratingShare! < 1);
  const columns: string[] = JSON.parse(await Deno.readTextFile(`${dir.path}/tmdb_feature_columns.json`));
  const map = JSON.parse(await Deno.readTextFile(`${dir.path}/tmdb_index_map.json`));
  assert.equal(columns.length, report.features);
  assert.equal(Object.keys(map.movielens_to_row).length, report.mappedByLink + report.mappedByTitle);
  const npy = await Deno.readFile(`${dir.path}/tmdb_features.npy`);
  const info = readNpyHeader(npy);
  assert.deepEqual(info, {
    descr: "<f4",
    fortranOrder: false,
    shape: [map.rows, columns.length],
    dataOffset: info.dataOffset,
  });
  assert.equal(info.dataOffset % 64, 0);
  assert.equal(npy.length, info.dataOffset + 4 * map.rows * columns.length);
  const python = await numpyPython();
  if (python) {
    const check = await new Deno.Command(python, {
      args: [
        "-c",
        "import numpy as np, sys; a = np.load(sys.argv[1]); print(a.shape[0], a.shape[1], a.dtype, int(np.isfinite(a).all()))",
        `${dir.path}/tmdb_features.npy`,
      ],
    }).output();
    assert.equal(new TextDecoder().decode(check.stdout).trim(), `${map.rows} ${columns.length} float32 1`);
  }
  const first = await Deno.readFile(`${dir.path}/tmdb_features.csr`);
  await preprocess(core, { movielensDir: dir.path, tmdbDir: dir.path });
  assert.deepEqual(await Deno.readFile(`${dir.path}/tmdb_features.csr`), first, "same input, same output");
});

Deno.test("preprocess() without a credits file warns once and still writes features", async () => {
  await using dir = await tempDir();
  await generateMovieLens({ outDir: dir.path, ratings: 6_000, users: 100, movies: 200, seed: 5 });
  await Deno.remove(`${dir.path}/tmdb_5000_credits.csv`);
  const notes: string[] = [];
  const report = await preprocess(await WasmCore.create(), {
    movielensDir: dir.path,
    tmdbDir: dir.path,
    onNote: (n) => notes.push(n),
  });
  assert.equal(report.creditRows, 0);
  assert.equal(notes.filter((n) => n.includes("No credits file")).length, 1);
  const columns: string[] = JSON.parse(await Deno.readTextFile(`${dir.path}/tmdb_feature_columns.json`));
  assert.ok(!columns.some((c) => c.startsWith("cast=") || c.startsWith("director=")));
  assert.ok(columns.some((c) => c.startsWith("keyword=")));
});
