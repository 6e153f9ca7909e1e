/**
 * Third-party modules used by `lib/`, pinned here with full specifiers.
 *
 * `lib/` is imported by `mod.ts`, which must also work when imported over
 * HTTP(S), where the import map in deno.json does not apply; so `lib/` names
 * its npm packages in full, in this one file.
 *
 * @module
 */

export { parse as parseCsv } from "npm:csv-parse@7.0.3";
export type { Info as CsvInfo, Options as CsvOptions } from "npm:csv-parse@7.0.3";
export { parse as parseCsvSync } from "npm:csv-parse@7.0.3/sync";
