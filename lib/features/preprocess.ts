/**
 * `preprocess`: TMDB metadata → movie features the model can use.
 *
 * Reads the TMDB files, encodes features (`tmdb_features.ts`), maps each
 * MovieLens movie to a feature row — through links.csv's tmdbId when it has
 * one, else by normalised title and year — and writes, to the output folder:
 * - `tmdb_features.npy`: float32, TMDB movies × features (NumPy format);
 * - `tmdb_feature_columns.json`: the column names in order;
 * - `tmdb_index_map.json`: TMDB id → row and MovieLens movieId → row;
 * - `tmdb_features.csr`: the same matrix in compact sparse form for training.
 *
 * @module
 */

import { loadMovieCatalogue } from "../ingest/movies.ts";
import { writeNpy } from "./npy.ts";
import { loadRatings } from "../ingest/ratings_load.ts";
import { loadTmdb } from "./tmdb.ts";
import { encodeFeatures, type FeatureMatrix, type FeatureOptions } from "./tmdb_features.ts";
import { titleKey } from "../ingest/titles.ts";
import type { WasmCore } from "../core/wasm.ts";

/** Options of {@link preprocess}. */
export interface PreprocessOptions extends FeatureOptions {
  /** Folder with MovieLens movies.csv, links.csv and (for coverage) ratings.csv. */
  movielensDir: string;
  /** Folder with tmdb_5000_movies.csv and (optionally) tmdb_5000_credits.csv. */
  tmdbDir: string;
  /** Where to write the outputs. Default: `tmdbDir`. */
  outDir?: string;
  /** Called with one-line notes (missing credits, skipped rows, …). */
  onNote?: (note: string) => void;
}

/** What {@link preprocess} did. */
export interface PreprocessReport {
  /** TMDB movie rows parsed. */
  tmdbRows: number;
  /** TMDB movies kept (distinct ids with valid fields). */
  tmdbMovies: number;
  /** Credits rows joined (0 without the credits file). */
  creditRows: number;
  /** Rows skipped for broken JSON or ids. */
  skippedRows: number;
  /** The first few skipped rows, as `file:line: reason`. */
  skippedExamples: string[];
  /** MovieLens movies in movies.csv. */
  movielensMovies: number;
  /** MovieLens movies mapped through links.csv. */
  mappedByLink: number;
  /** MovieLens movies mapped by title and year. */
  mappedByTitle: number;
  /** Share of ratings whose movie has metadata, or null without ratings.csv. */
  ratingShare: number | null;
  /** Number of feature columns. */
  features: number;
  /** Files written. */
  files: string[];
}

/** Runs the preprocessing; see the module doc. */
export async function preprocess(core: WasmCore, options: PreprocessOptions): Promise<PreprocessReport> {
  const note = options.onNote ?? (() => {});
  const out = options.outDir ?? options.tmdbDir;
  const creditsPath = `${options.tmdbDir}/tmdb_5000_credits.csv`;
  const tmdb = await loadTmdb(`${options.tmdbDir}/tmdb_5000_movies.csv`, creditsPath);
  if (!tmdb.hasCredits) {
    note(
      `No credits file "${creditsPath}": cast and crew features are left out (the movies file alone is used)`,
    );
  }
  if (tmdb.skipped) {
    note(`${tmdb.skipped} TMDB rows skipped for broken fields, e.g. ${tmdb.skippedExamples[0]}`);
  }
  const features = encodeFeatures(tmdb.movies, options);
  const rowOfTmdb = new Map(features.tmdbIds.map((id, r) => [id, r]));

  const catalogue = await loadMovieCatalogue(`${options.movielensDir}/movies.csv`);
  for (const n of catalogue.notes) note(n);
  const byTitle = new Map<string, number[]>();
  tmdb.movies.forEach((m, r) => {
    for (const t of new Set([m.title, m.originalTitle])) {
      const key = `${titleKey(t)}|${m.year ?? ""}`;
      byTitle.set(key, [...(byTitle.get(key) ?? []), r]);
    }
  });
  const movielensToRow = new Map<number, number>();
  let mappedByLink = 0, mappedByTitle = 0;
  for (const movie of catalogue.movies) {
    const linked = movie.tmdbId === null ? undefined : rowOfTmdb.get(movie.tmdbId);
    if (linked !== undefined) {
      movielensToRow.set(movie.movieId, linked);
      mappedByLink++;
      continue;
    }
    if (movie.tmdbId !== null) continue; // linked to a TMDB movie outside TMDB 5000
    for (const t of [movie.title, ...movie.aliases]) {
      const rows = byTitle.get(`${titleKey(t)}|${movie.year ?? ""}`);
      if (rows?.length === 1) {
        movielensToRow.set(movie.movieId, rows[0]);
        mappedByTitle++;
        break;
      }
    }
  }

  let ratingShare: number | null = null;
  try {
    await Deno.stat(`${options.movielensDir}/ratings.csv`);
    const { ratings } = await loadRatings(core, `${options.movielensDir}/ratings.csv`);
    using _ = ratings;
    const m = ratings.columns.movies.view;
    let covered = 0;
    const has = Uint8Array.from(ratings.movieIds, (id) => (movielensToRow.has(id) ? 1 : 0));
    for (let i = 0; i < ratings.nRatings; i++) covered += has[m[i]];
    ratingShare = covered / ratings.nRatings;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }

  await Deno.mkdir(out, { recursive: true });
  const files = [
    `${out}/tmdb_features.npy`,
    `${out}/tmdb_feature_columns.json`,
    `${out}/tmdb_index_map.json`,
    `${out}/tmdb_features.csr`,
  ];
  await writeNpy(files[0], features.tmdbIds.length, features.columns.length, (r, row) => {
    for (let e = features.indptr[r]; e < features.indptr[r + 1]; e++) {
      row[features.indices[e]] = features.values[e];
    }
  });
  await Deno.writeTextFile(files[1], JSON.stringify(features.columns, null, 1) + "\n");
  await Deno.writeTextFile(
    files[2],
    JSON.stringify({
      rows: features.tmdbIds.length,
      tmdb_to_row: Object.fromEntries(features.tmdbIds.map((id, r) => [id, r])),
      movielens_to_row: Object.fromEntries([...movielensToRow].sort((a, b) => a[0] - b[0])),
    }) + "\n",
  );
  await writeSparse(files[3], features);
  return {
    tmdbRows: tmdb.movieRows,
    tmdbMovies: tmdb.movies.length,
    creditRows: tmdb.creditRows,
    skippedRows: tmdb.skipped,
    skippedExamples: tmdb.skippedExamples,
    movielensMovies: catalogue.size,
    mappedByLink,
    mappedByTitle,
    ratingShare,
    features: features.columns.length,
    files,
  };
}

/**
 * Writes the compact sparse form: the magic `PMFFEATS`, u32 version 1, u32
 * header length, a JSON header (rows, columns, entries, the column names),
 * padding to 16 bytes, then indptr (u32 × rows+1), indices (u32 × entries)
 * and values (f32 × entries).
 */
async function writeSparse(path: string, f: FeatureMatrix): Promise<void> {
  const header = new TextEncoder().encode(
    JSON.stringify({
      rows: f.tmdbIds.length,
      cols: f.columns.length,
      nnz: f.indices.length,
      columns: f.columns,
    }),
  );
  const start = Math.ceil((16 + header.length) / 16) * 16;
  const bytes = new Uint8Array(start + 4 * (f.indptr.length + f.indices.length + f.values.length));
  bytes.set(new TextEncoder().encode("PMFFEATS"));
  const dv = new DataView(bytes.buffer);
  dv.setUint32(8, 1, true);
  dv.setUint32(12, header.length, true);
  bytes.set(header, 16);
  let at = start;
  for (const a of [f.indptr, f.indices, f.values]) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}
