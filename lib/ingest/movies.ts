/**
 * The movie catalogue: MovieLens movies.csv (id, title, genres) joined with
 * links.csv (IMDb and TMDB ids), with titles taken apart for search and the
 * TMDB join (see `titles.ts`).
 *
 * @module
 */

import { type CsvInfo, parseCsvSync } from "../util/_deps.ts";
import { DataSyntaxError, notFound } from "../util/errors.ts";
import { parseTitle, titleKey } from "./titles.ts";

/** One movie of the catalogue. */
export interface Movie {
  /** MovieLens movieId. */
  movieId: number;
  /** Title with its article in front and without the year: "The American President". */
  title: string;
  /** The title exactly as movies.csv has it. */
  rawTitle: string;
  /** Release year, or null. */
  year: number | null;
  /** Alternative titles MovieLens gives in parentheses. */
  aliases: string[];
  /** Genres; empty for "(no genres listed)". */
  genres: string[];
  /** IMDb id (the number), or null when links.csv lacks it. */
  imdbId: number | null;
  /** TMDB id, or null when links.csv lacks it or has it empty. */
  tmdbId: number | null;
}

/** A catalogue entry for a movie known only by its id (and perhaps a title): "Movie <id>" by default. */
export function plainMovie(movieId: number, title = `Movie ${movieId}`, genres: string[] = []): Movie {
  return { movieId, title, rawTitle: title, year: null, aliases: [], genres, imdbId: null, tmdbId: null };
}

/** Movies by id and by title key. */
export class MovieCatalogue {
  /** All movies, by increasing movieId. */
  readonly movies: readonly Movie[];
  /** Notes from loading (rows of links.csv for unknown movies, a missing links file, …). */
  readonly notes: readonly string[];
  #byId = new Map<number, Movie>();
  #byKey = new Map<string, Movie[]>();
  #keys = new Map<Movie, string[]>();

  /** Indexes `movies`; `keys[i]`, when given, are movie i's precomputed title keys. */
  constructor(movies: Movie[], notes: string[] = [], keys?: readonly string[][]) {
    const given = new Map<Movie, string[]>();
    if (keys) movies.forEach((m, i) => keys[i] && given.set(m, keys[i]));
    this.movies = [...movies].sort((a, b) => a.movieId - b.movieId);
    this.notes = notes;
    for (const m of this.movies) {
      this.#byId.set(m.movieId, m);
      const keys = given.get(m) ?? [m.title, ...m.aliases].map(titleKey);
      this.#keys.set(m, keys);
      for (const key of keys) {
        const list = this.#byKey.get(key) ?? [];
        if (!list.includes(m)) list.push(m);
        this.#byKey.set(key, list);
      }
    }
  }

  /** Number of movies. */
  get size(): number {
    return this.movies.length;
  }

  /** The comparable keys (`titleKey`) of a movie's title and aliases. */
  keysOf(movie: Movie): string[] {
    return this.#keys.get(movie) ?? [movie.title, ...movie.aliases].map(titleKey);
  }

  /** The movie with this MovieLens id. */
  byId(movieId: number): Movie | undefined {
    return this.#byId.get(movieId);
  }

  /**
   * Movies whose title or alias has the same key as `title` (any spelling:
   * "American President, The", "the american president"), optionally of one
   * year. A trailing "(1995)" in `title` is used as the year.
   */
  byTitle(title: string, year?: number | null): Movie[] {
    const parsed = parseTitle(title);
    const wantYear = year ?? parsed.year;
    const found = this.#byKey.get(titleKey(parsed.title)) ?? [];
    return wantYear == null ? found : found.filter((m) => m.year === wantYear);
  }
}

/** Options for {@link loadMovieCatalogue}. */
export interface MovieCatalogueOptions {
  /** links.csv; null to skip it. Default: links.csv beside movies.csv. */
  linksPath?: string | null;
}

/** Loads movies.csv (and links.csv when present) into a {@link MovieCatalogue}. */
export async function loadMovieCatalogue(
  moviesPath: string,
  options: MovieCatalogueOptions = {},
): Promise<MovieCatalogue> {
  const linksPath = options.linksPath === undefined
    ? moviesPath.replace(/[^/\\]*$/, "links.csv")
    : options.linksPath;
  const movies: Movie[] = [];
  const seen = new Set<number>();
  for (const { record, line } of await readCsv(moviesPath, "movies", ["movieId", "title", "genres"])) {
    const movieId = intField(record[0], "movieId", moviesPath, line, "movies");
    if (seen.has(movieId)) continue;
    seen.add(movieId);
    const parsed = parseTitle(record[1] ?? "");
    const genres = (record[2] ?? "").split("|").map((g) => g.trim()).filter((g) =>
      g && g !== "(no genres listed)"
    );
    movies.push({ movieId, rawTitle: record[1], ...parsed, genres, imdbId: null, tmdbId: null });
  }
  const notes: string[] = [];
  if (linksPath !== null) await joinLinks(linksPath, movies, notes);
  return new MovieCatalogue(movies, notes);
}

async function joinLinks(path: string, movies: Movie[], notes: string[]): Promise<void> {
  let rows;
  try {
    rows = await readCsv(path, "links", ["movieId", "imdbId", "tmdbId"]);
  } catch (error) {
    if (error instanceof Error && error.message.includes("file not found")) {
      notes.push(`No links file "${path}": movies have no TMDB ids, so the TMDB join falls back to titles`);
      return;
    }
    throw error;
  }
  const byId = new Map(movies.map((m) => [m.movieId, m]));
  let unknown = 0;
  for (const { record, line } of rows) {
    const movie = byId.get(intField(record[0], "movieId", path, line, "links"));
    if (!movie) {
      unknown++;
      continue;
    }
    movie.imdbId = record[1]?.trim() ? intField(record[1], "imdbId", path, line, "links") : null;
    movie.tmdbId = record[2]?.trim() ? intField(record[2], "tmdbId", path, line, "links") : null;
  }
  if (unknown) notes.push(`${unknown} rows of "${path}" name movies that are not in movies.csv; ignored`);
}

function intField(text: string | undefined, name: string, path: string, line: number, what: string): number {
  const t = (text ?? "").trim();
  // Some copies of links.csv write ids as floats ("862.0"); a whole value is accepted.
  if (/^\d+(\.0+)?$/.test(t) && Number(t) <= 0x7fffffff) return Number(t);
  throw new DataSyntaxError(
    `Cannot parse ${what} "${path}" at line ${line}: ${name} "${t}" is not a whole number in 0–2147483647`,
    path,
    line,
    0,
  );
}

/** Reads a small CSV whole, checks its header, and returns records with their line numbers. */
async function readCsv(
  path: string,
  what: string,
  header: string[],
): Promise<{ record: string[]; line: number }[]> {
  let text: string;
  try {
    text = new TextDecoder().decode(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw notFound(what, path, `expected MovieLens ${what}.csv (see data/README.md)`, error);
    }
    throw error;
  }
  let rows: { record: string[]; info: CsvInfo }[];
  try {
    rows = parseCsvSync(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as {
      record: string[];
      info: CsvInfo;
    }[];
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    const line = recordStart(text, e.lines ?? 1);
    const row = text.split("\n")[line - 1]?.replace(/\r$/, "") ?? "";
    const why = e.code === "CSV_QUOTE_NOT_CLOSED"
      ? "a quoted field opened here is never closed"
      : e.code === "CSV_INVALID_CLOSING_QUOTE" || e.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
      ? "text follows the closing quote of a field"
      : `the record is not valid CSV (${e.message})`;
    throw new DataSyntaxError(
      `Cannot parse ${what} "${path}" at line ${line}: ${why}\n  row: ${
        row.slice(0, 120)
      }\n  fix: a field with a comma or a quote must be quoted, with inner quotes doubled ("")`,
      path,
      line,
      0,
    );
  }
  const first = rows[0]?.record.map((f) => f.trim().toLowerCase()) ?? [];
  if (first.length !== header.length || first.some((f, i) => f !== header[i].toLowerCase())) {
    throw new DataSyntaxError(
      `Cannot read ${what} "${path}" at line 1: unexpected header "${
        rows[0]?.record.join(",") ?? ""
      }"; expected "${header.join(",")}"`,
      path,
      1,
      1,
    );
  }
  return rows.slice(1).map((r) => ({ record: r.record, line: r.info.lines }));
}

/**
 * The line on which the CSV record holding line `errorLine` starts: quoted
 * fields may span lines, so a parser's error line can lie below it.
 */
function recordStart(text: string, errorLine: number): number {
  let inQuotes = false, start = 1, line = 1;
  for (let i = 0; i < text.length && line <= errorLine; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === "\n") {
      line++;
      if (!inQuotes && line <= errorLine) start = line;
    }
  }
  return start;
}
