/**
 * Movie features for the model: the sparse rows written by `preprocess`
 * (tmdb_features.csr + tmdb_index_map.json), re-indexed by the model's dense
 * movie index and placed in the core's shared memory. Movies without TMDB
 * metadata get empty rows.
 *
 * @module
 */

import type { CoreArray, WasmCore } from "../core/wasm.ts";

/** The feature files `preprocess` writes into a folder. */
export function featureFiles(dir: string): { csr: string; map: string } {
  return { csr: `${dir}/tmdb_features.csr`, map: `${dir}/tmdb_index_map.json` };
}

/** Feature rows per model movie, in shared memory; free with {@link MovieFeatures.free} or `using`. */
export class MovieFeatures implements Disposable {
  /** Number of feature columns. */
  readonly nFeatures: number;
  /** Column names. */
  readonly columns: string[];
  /** SHA-256 of the column names: the schema a model is bound to. */
  readonly schema: string;
  /** Movies (model indices) that have at least one feature. */
  readonly covered: number;
  /** Row starts, `nMovies + 1`. */
  readonly indptr: CoreArray<Uint32Array>;
  /** Feature column of each entry. */
  readonly indices: CoreArray<Uint32Array>;
  /** Value of each entry. */
  readonly values: CoreArray<Float32Array>;

  /** Takes ownership of the arrays. */
  constructor(
    parts: Pick<
      MovieFeatures,
      "nFeatures" | "columns" | "schema" | "covered" | "indptr" | "indices" | "values"
    >,
  ) {
    this.nFeatures = parts.nFeatures;
    this.columns = parts.columns;
    this.schema = parts.schema;
    this.covered = parts.covered;
    this.indptr = parts.indptr;
    this.indices = parts.indices;
    this.values = parts.values;
  }

  /** Releases the arrays. */
  free(): void {
    this.indptr.free();
    this.indices.free();
    this.values.free();
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** SHA-256 of the column names, hex. */
export async function schemaOf(columns: readonly string[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(columns)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The MovieLens ids that have features in `dir` (empty when its index map is missing). */
export async function moviesWithFeatures(dir: string): Promise<Set<number>> {
  try {
    const map = JSON.parse(await Deno.readTextFile(featureFiles(dir).map)) as {
      movielens_to_row: Record<string, number>;
    };
    return new Set(Object.keys(map.movielens_to_row).map(Number));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Set();
    throw error;
  }
}

/**
 * Loads the features in `dir` for the movies `movieIds` (MovieLens ids by
 * dense index). Throws with the command to run when the files are missing.
 */
export async function loadMovieFeatures(
  core: WasmCore,
  dir: string,
  movieIds: Uint32Array,
): Promise<MovieFeatures> {
  const files = featureFiles(dir);
  let bytes: Uint8Array, map: { movielens_to_row: Record<string, number> };
  try {
    bytes = await Deno.readFile(files.csr);
    map = JSON.parse(await Deno.readTextFile(files.map));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot use movie metadata: "${files.csr}" or "${files.map}" is missing; run 'deno task preprocess' first, or train with --no-metadata`,
        { cause: error },
      );
    }
    throw error;
  }
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== "PMFFEATS") {
    throw new Error(
      `Cannot use movie metadata: "${files.csr}" is not a features file; run 'deno task preprocess' again`,
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = dv.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLen)));
  const start = Math.ceil((16 + headerLen) / 16) * 16;
  const words = (at: number, n: number) => new Uint32Array(bytes.slice(at, at + 4 * n).buffer);
  const indptr = words(start, header.rows + 1);
  const indices = words(start + 4 * (header.rows + 1), header.nnz);
  const values = new Float32Array(words(start + 4 * (header.rows + 1 + header.nnz), header.nnz).buffer);

  const outPtr = new Uint32Array(movieIds.length + 1);
  let covered = 0;
  movieIds.forEach((id, i) => {
    const row = map.movielens_to_row[id];
    const n = row === undefined ? 0 : indptr[row + 1] - indptr[row];
    if (n) covered++;
    outPtr[i + 1] = outPtr[i] + n;
  });
  const [ip, ix] = core.allocArrays(Uint32Array, [outPtr.length, Math.max(1, outPtr[movieIds.length])]);
  const vals = core.allocArray(Float32Array, Math.max(1, outPtr[movieIds.length]));
  ip.view.set(outPtr);
  const dx = ix.view, dvals = vals.view;
  movieIds.forEach((id, i) => {
    const row = map.movielens_to_row[id];
    if (row === undefined) return;
    dx.set(indices.subarray(indptr[row], indptr[row + 1]), outPtr[i]);
    dvals.set(values.subarray(indptr[row], indptr[row + 1]), outPtr[i]);
  });
  return new MovieFeatures({
    nFeatures: header.cols,
    columns: header.columns,
    schema: await schemaOf(header.columns),
    covered,
    indptr: ip,
    indices: ix,
    values: vals,
  });
}
