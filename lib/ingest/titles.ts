/**
 * Movie title handling shared by the catalogue, search and the TMDB join.
 *
 * MovieLens writes "American President, The (1995)" and sometimes an
 * alternative title in parentheses: "City of Lost Children, The (Cité des
 * enfants perdus, La) (1995)". {@link parseTitle} splits off the year and the
 * alternatives and moves trailing articles to the front; {@link titleKey}
 * turns any spelling into one comparable key (case, accents, punctuation and
 * article position ignored), so "the american president" and "American
 * President, The" meet.
 *
 * @module
 */

const ARTICLES = [
  "The",
  "A",
  "An",
  "Le",
  "La",
  "Les",
  "L'",
  "Un",
  "Une",
  "El",
  "Los",
  "Las",
  "Il",
  "Lo",
  "Gli",
  "I",
  "Der",
  "Die",
  "Das",
  "Den",
  "Det",
  "Ein",
  "Eine",
  "O",
  "Os",
  "As",
  "Una",
  "Uno",
];
const TRAILING_ARTICLE = new RegExp(`^(.*), (${ARTICLES.join("|")})$`, "i");

/** A MovieLens title taken apart. */
export interface ParsedTitle {
  /** Main title with its article in front: "The American President". */
  title: string;
  /** Alternative titles from parentheses, articles in front. */
  aliases: string[];
  /** Release year, or null when the title has none. */
  year: number | null;
}

/** Moves a trailing ", The" (or another article) to the front. */
export function articleFirst(title: string): string {
  const m = title.trim().match(TRAILING_ARTICLE);
  if (!m) return title.trim();
  const article = m[2];
  return article.endsWith("'") ? `${article}${m[1]}` : `${article} ${m[1]}`;
}

/** Splits a MovieLens title into title, aliases and year; see the module doc. */
export function parseTitle(raw: string): ParsedTitle {
  let rest = raw.trim();
  let year: number | null = null;
  const y = rest.match(/\s*\((\d{4})(?:[–-]\d{0,4})?\)\s*$/);
  if (y) {
    year = Number(y[1]);
    rest = rest.slice(0, y.index).trim();
  }
  const aliases: string[] = [];
  // Peel trailing "(alternative title)" groups, but keep parentheses that are part of the title.
  for (;;) {
    const m = rest.match(/^(.+?)\s+\(([^()]+)\)$/);
    if (!m || /^\d+$/.test(m[2])) break;
    aliases.unshift(articleFirst(m[2].replace(/^a\.k\.a\.\s*/i, "")));
    rest = m[1].trim();
  }
  return { title: articleFirst(rest), aliases, year };
}

/** Leading articles a key drops (not "Die", "I", "O": too often real words). */
const KEY_ARTICLE = /^(the|a|an|le|la|les|l|el|los|las|il|der|das) /;

/**
 * A comparable key: lower case, no accents, no punctuation, no leading
 * article ("The City of Lost Children" and "City of Lost Children, The" both
 * give "city of lost children").
 */
export function titleKey(title: string): string {
  return articleFirst(title)
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/^l['’`]/, "l ")
    .replace(/['’`]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(KEY_ARTICLE, "");
}
