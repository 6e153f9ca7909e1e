/**
 * Which data set a command uses when none is given — one rule for every
 * command: `data/ml-20m` when it holds the file the command reads, else the
 * small generated set in `data/default` (made on the spot when missing).
 *
 * @module
 */

import { generateMovieLens } from "../lib/data/generate.ts";
import { exists } from "./_fs.ts";

/** The folder of MovieLens 20M, used when present. */
export const ML20M_DIR = "data/ml-20m";
/** The small generated set. */
export const DEFAULT_DIR = "data/default";

/** Help text of the rule, for `--data`. */
export const DATA_DEFAULT_HELP =
  `default: ${ML20M_DIR} if present, else ${DEFAULT_DIR},\n                      generated on the spot if missing`;

/**
 * The data folder a command uses when `--data` is not given: `data/ml-20m` if
 * it holds `file`, else `data/default`, generated (with a note) when missing.
 */
export async function defaultDataDir(
  file: string,
  quiet: boolean,
): Promise<{ dir: string; generated: boolean }> {
  if (await exists(`${ML20M_DIR}/${file}`)) return { dir: ML20M_DIR, generated: false };
  if (await exists(`${DEFAULT_DIR}/${file}`)) return { dir: DEFAULT_DIR, generated: false };
  if (!quiet) {
    console.error(`note: no data given and none found; generating the default set in ${DEFAULT_DIR}`);
  }
  await generateMovieLens({ outDir: DEFAULT_DIR });
  return { dir: DEFAULT_DIR, generated: true };
}
