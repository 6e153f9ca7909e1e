/**
 * TMDB 5000-format files for the generated data set, with signal: keywords,
 * top-billed cast, director, writer and composer are picked by how well their
 * own hidden direction matches the movie's hidden factors (plus noise), and
 * the vote average follows the movie's hidden bias. Genres repeat the
 * MovieLens genres under TMDB's names. About 85% of movies are in the TMDB
 * file (as in the real data, not every MovieLens movie is); ids are
 * `10000 + movieId`, the ids links.csv gives.
 *
 * @module
 */

import { csvField } from "../util/_byte_writer.ts";
import { Rng } from "../util/_random.ts";
import { parseTitle } from "../ingest/titles.ts";

/** The hidden model's movies, as the TMDB writer needs them. */
export interface GeneratedMovies {
  /** MovieLens ids. */
  ids: Int32Array;
  /** Hidden factors, `RANK` per movie. */
  factors: Float64Array;
  /** Hidden biases. */
  bias: Float64Array;
  /** MovieLens-style titles with the year. */
  titles: string[];
  /** Pipe-joined MovieLens genres. */
  genres: string[];
}

const TMDB_GENRE: Record<string, string> = {
  "Sci-Fi": "Science Fiction",
  Children: "Family",
  Musical: "Music",
  "Film-Noir": "Crime",
};
const GENRE_IDS: Record<string, number> = {
  Action: 28,
  Adventure: 12,
  Animation: 16,
  Comedy: 35,
  Crime: 80,
  Documentary: 99,
  Drama: 18,
  Family: 10751,
  Fantasy: 14,
  Horror: 27,
  Music: 10402,
  Mystery: 9648,
  Romance: 10749,
  "Science Fiction": 878,
  Thriller: 53,
  War: 10752,
  Western: 37,
};
const WORDS = (
  "space heist revenge love island prison robot detective wedding war ghost dragon treasure storm " +
  "vampire spy rebel circus orphan desert ocean train hacker zombie kingdom pirate alien school " +
  "mountain jungle dance music chef boxing hospital lawyer journalist senator monster witch time " +
  "travel family friendship betrayal escape survival conspiracy sport comedy holiday road"
).split(" ");
const FIRST =
  "Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jonas Kira Luca Maya Nils Olga Pavel Quinn Rosa Sami Tara Umar Vera Wes Xenia Yuri Zoe"
    .split(" ");
const LAST =
  "Adams Berg Costa Duval Eng Ferri Gupta Hale Ito Jansen Kahn Lind Moreau Novak Ortiz Pike Quist Roth Sato Tran Ueda Voss Wolfe Young Zeller"
    .split(" ");
const COMPANIES = Array.from(
  { length: 30 },
  (_, i) => `${LAST[i % LAST.length]} ${["Pictures", "Films", "Studios"][i % 3]}`,
);

interface Pool {
  names: string[];
  directions: Float64Array;
}

function pool(rng: Rng, names: string[], rank: number): Pool {
  const directions = new Float64Array(names.length * rank);
  for (let i = 0; i < directions.length; i++) directions[i] = rng.normal();
  return { names, directions };
}

/** The `count` names whose direction best matches `q`, with noise; best first. */
function pick(rng: Rng, p: Pool, q: Float64Array, rank: number, scale: number, count: number): string[] {
  const scored = p.names.map((name, i) => {
    let s = 0;
    for (let j = 0; j < rank; j++) s += p.directions[i * rank + j] * q[j];
    return { name, s: s / scale + rng.normal() * 1.5 };
  });
  scored.sort((a, b) => b.s - a.s);
  return scored.slice(0, count).map((x) => x.name);
}

const list = (names: string[], key = "name") =>
  JSON.stringify(names.map((n, i) => (key === "name" ? { id: 1000 + i, name: n } : { [key]: n, name: n })));

/** Writes tmdb_5000_movies.csv and tmdb_5000_credits.csv to `outDir`; see the module doc. */
export async function writeTmdb(
  outDir: string,
  movies: GeneratedMovies,
  byRank: Int32Array,
  seed: number,
  rank: number,
  scale: number,
): Promise<void> {
  const rng = new Rng(seed, 77);
  const people = Array.from(
    { length: 600 },
    (_, i) =>
      `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${
        i >= 650 ? ` ${i}` : ""
      }`,
  );
  const actors = pool(rng, people.slice(0, 400), rank);
  const directors = pool(rng, people.slice(400, 520), rank);
  const writers = pool(rng, people.slice(520, 600), rank);
  const keywords = pool(rng, WORDS, rank);
  const popRank = new Int32Array(byRank.length);
  byRank.forEach((m, r) => (popRank[m] = r));
  const header =
    "budget,genres,homepage,id,keywords,original_language,original_title,overview,popularity,production_companies,production_countries,release_date,revenue,runtime,spoken_languages,status,tagline,title,vote_average,vote_count";
  const rows = [header];
  const credits = ["movie_id,title,cast,crew"];
  for (let m = 0; m < movies.ids.length; m++) {
    if (rng.float() < 0.15) continue;
    const q = movies.factors.subarray(m * rank, (m + 1) * rank);
    const { title, year } = parseTitle(movies.titles[m]);
    const id = 10000 + movies.ids[m];
    const genres = movies.genres[m] === "(no genres listed)"
      ? []
      : movies.genres[m].split("|").map((g) => TMDB_GENRE[g] ?? g).filter((g) => g !== "IMAX");
    const kw = pick(rng, keywords, q, rank, scale, 3 + rng.int(6));
    const cast = pick(rng, actors, q, rank, scale, 5 + rng.int(4));
    const [director] = pick(rng, directors, q, rank, scale, 1);
    const [writer] = pick(rng, writers, q, rank, scale, 1);
    const composer = people[400 + rng.int(200)];
    const foreign = /[éèñüä]/.test(title);
    const language = foreign ? ["fr", "es", "de"][rng.int(3)] : rng.float() < 0.9 ? "en" : "ja";
    const popularity = (200 / Math.pow(popRank[m] + 3, 0.8)) * (0.7 + rng.float() * 0.6);
    const vote = Math.min(10, Math.max(1, 6.2 + 2.2 * movies.bias[m] + rng.normal() * 0.4));
    const overview = `A story of ${kw.slice(0, 3).join(", ")} and ${kw[kw.length - 1]}, with ${cast[0]}.`;
    const date = `${year}-${String(1 + rng.int(12)).padStart(2, "0")}-${
      String(1 + rng.int(28)).padStart(2, "0")
    }`;
    rows.push([
      Math.round(Math.exp(15 + rng.normal())),
      csvField(JSON.stringify(genres.map((g) => ({ id: GENRE_IDS[g] ?? 0, name: g })))),
      "",
      id,
      csvField(list(kw)),
      language,
      csvField(title),
      csvField(overview),
      popularity.toFixed(6),
      csvField(list([COMPANIES[rng.int(COMPANIES.length)]])),
      csvField(JSON.stringify([{ iso_3166_1: language === "en" ? "US" : language.toUpperCase(), name: "" }])),
      date,
      Math.round(Math.exp(16 + rng.normal())),
      80 + rng.int(80),
      csvField(JSON.stringify([{ iso_639_1: language, name: "" }])),
      "Released",
      "",
      csvField(title),
      vote.toFixed(1),
      Math.round(popularity * 40),
    ].join(","));
    const castJson = cast.map((name, order) => ({
      cast_id: order + 1,
      character: "",
      credit_id: `c${id}${order}`,
      gender: 0,
      id: 1,
      name,
      order,
    }));
    const crewJson = [
      { credit_id: `d${id}`, department: "Directing", gender: 0, id: 2, job: "Director", name: director },
      { credit_id: `w${id}`, department: "Writing", gender: 0, id: 3, job: "Screenplay", name: writer },
      {
        credit_id: `m${id}`,
        department: "Sound",
        gender: 0,
        id: 4,
        job: "Original Music Composer",
        name: composer,
      },
    ];
    credits.push(
      [id, csvField(title), csvField(JSON.stringify(castJson)), csvField(JSON.stringify(crewJson))].join(","),
    );
  }
  await Deno.writeTextFile(`${outDir}/tmdb_5000_movies.csv`, rows.join("\n") + "\n");
  await Deno.writeTextFile(`${outDir}/tmdb_5000_credits.csv`, credits.join("\n") + "\n");
}
