/**
 * Finding movies by a partial title: case-, accent- and article-insensitive
 * (through `titleKey`), ranking exact titles first, then titles that start
 * with the query, then titles whose words start with the query's words, then
 * substrings, then the closest spellings (trigram similarity) — the last also
 * serve as "did you mean" suggestions. A year in the query ("Heat 1995" or
 * "Heat (1995)") must match. Ties go to the movie with more ratings.
 *
 * @module
 */

import type { Movie } from "../ingest/movies.ts";
import { titleKey } from "../ingest/titles.ts";

/** A search result. */
export interface SearchHit {
  /** The movie. */
  movie: Movie;
  /** Higher is better; 100 is an exact title. */
  score: number;
}

interface Entry {
  movie: Movie;
  keys: string[];
  words: string[][];
  /** Trigrams of the main title, built the first time a fuzzy match needs them. */
  grams: Set<string> | null;
  popularity: number;
}

function trigrams(key: string): Set<string> {
  const padded = `  ${key} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** An index over movies for {@link MovieSearch.search}. */
export class MovieSearch {
  #entries: Entry[];

  /**
   * Indexes `movies`; `popularity(movie)` breaks ties (e.g. its number of
   * ratings); `keysOf` can supply precomputed title keys.
   */
  constructor(
    movies: readonly Movie[],
    popularity: (movie: Movie) => number = () => 0,
    keysOf: (movie: Movie) => string[] = (m) => [m.title, ...m.aliases].map(titleKey),
  ) {
    this.#entries = movies.map((movie) => {
      const keys = keysOf(movie).filter(Boolean);
      return {
        movie,
        keys,
        words: keys.map((k) => k.split(" ")),
        grams: null,
        popularity: popularity(movie),
      };
    });
  }

  /** The best `limit` matches for `query`; empty for an empty query. */
  search(query: string, limit = 10): SearchHit[] {
    const year = query.match(/\(?\b(18|19|20)\d{2}\)?\s*$/)?.[0];
    const wantYear = year ? Number(year.replace(/[()\s]/g, "")) : null;
    const key = titleKey(year ? query.slice(0, query.length - year.length) : query);
    if (!key) return [];
    const qWords = key.split(" ");
    const qGrams = trigrams(key);
    const hits: { e: Entry; score: number }[] = [];
    for (const e of this.#entries) {
      if (wantYear !== null && e.movie.year !== wantYear) continue;
      let score = 0;
      for (let i = 0; i < e.keys.length; i++) {
        const k = e.keys[i];
        if (k === key) score = Math.max(score, 100);
        else if (k.startsWith(key)) score = Math.max(score, 80);
        else if (qWords.every((w) => e.words[i].some((t) => t.startsWith(w)))) score = Math.max(score, 60);
        else if (k.includes(key)) score = Math.max(score, 50);
      }
      if (score === 0) {
        let common = 0;
        e.grams ??= trigrams(e.keys[0] ?? "");
        for (const g of qGrams) if (e.grams.has(g)) common++;
        const sim = common / (qGrams.size + e.grams.size - common);
        if (sim >= 0.3) score = 40 * sim;
      }
      if (score > 0) hits.push({ e, score });
    }
    hits.sort((a, b) =>
      b.score - a.score || b.e.popularity - a.e.popularity || a.e.movie.title.localeCompare(b.e.movie.title)
    );
    return hits.slice(0, limit).map((h) => ({ movie: h.e.movie, score: h.score }));
  }
}
