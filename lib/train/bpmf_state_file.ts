/**
 * The Gibbs sampler's state between runs, in its own file beside the model
 * file (`<model>.sampler`, container magic `PMFGIBBS`): the current rows, the
 * kept samples' sums, the validation and test prediction sums, β (with its
 * shifts and scatter), the noise precision and the sweep history — all a
 * resumed run needs to end with the same model as an uninterrupted one (each
 * sweep's draws depend only on the seed, the sweep and this state). Written
 * atomically (a temporary file synced and renamed), so a run killed at any
 * moment leaves the previous state whole; removed once the model file is
 * written.
 *
 * @module
 */

import { type ArrayToWrite, ContainerError, ContainerFile, writeContainer } from "../util/container.ts";
import type { RatingsFingerprint } from "../ingest/ratings.ts";
import type { SplitOptions } from "../ingest/splits.ts";
import type { BpmfConfig, BpmfState, PredictionSums, SweepReport } from "./bpmf.ts";
import type { CoreArray, WasmCore } from "../core/wasm.ts";

const STATE_FORMAT = { magic: "PMFGIBBS", version: 1, what: "movie-recommender sampler state" };

/** Where the sampler state of the model file at `modelPath` goes. */
export function samplerStatePath(modelPath: string): string {
  return `${modelPath}.sampler`;
}

/** What must match for a state to be resumed, and where the sampler stood. */
export interface SamplerHeader {
  /** The sampler's settings. */
  config: BpmfConfig;
  /** The ratings and how they were split. */
  fingerprint: RatingsFingerprint;
  split: Required<SplitOptions>;
  /** The features' schema, or null without features. */
  featureSchema: string | null;
  /** Sweeps done. */
  sweep: number;
  /** The noise precision the next sweep starts from. */
  alpha: number;
  /** Samples kept and the sum of their noise variances. */
  kept: number;
  noiseVarianceSum: number;
  /** Reports of the sweeps done. */
  history: SweepReport[];
}

/** Bytes of a host array (f64 arrays are stored as pairs of 32-bit words). */
function hostBytes(name: string, a: Float64Array | Float32Array): ArrayToWrite {
  return {
    name,
    dtype: a instanceof Float32Array ? "f32" : "u32",
    bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
  };
}

/** The arrays of the state, by name: host arrays and core arrays. */
function stateArrays(
  state: BpmfState,
  sums: readonly PredictionSums[],
): { name: string; host?: Float64Array; core?: CoreArray<Float32Array | Float64Array> }[] {
  const out: { name: string; host?: Float64Array; core?: CoreArray<Float32Array | Float64Array> }[] = [
    { name: "users", core: state.users },
    { name: "movies", core: state.movies },
    { name: "user_sums", host: state.userSums },
    { name: "movie_sums", host: state.movieSums },
    { name: "user_squares", host: state.userSquares },
    { name: "movie_squares", host: state.movieSquares },
  ];
  sums.forEach((s, i) => out.push({ name: `sum${i}`, core: s.sum }, { name: `sum_sq${i}`, core: s.sumSq }));
  const p = state.projection;
  if (p) {
    out.push(
      { name: "beta", core: p.beta },
      { name: "offsets", core: p.offsets },
      { name: "scatter", core: p.scatter },
      { name: "beta_sum", host: p.betaSum },
      { name: "prior_mean_sum", host: p.priorMeanSum },
      { name: "prior_variance_sum", host: p.priorVarianceSum },
    );
  }
  return out;
}

/** Writes the sampler's state to `path` atomically. Nothing may change the state until it resolves. */
export async function writeSamplerState(
  core: WasmCore,
  path: string,
  state: BpmfState,
  sums: readonly PredictionSums[],
  header: SamplerHeader,
): Promise<void> {
  const sources = stateArrays(state, sums).map(({ name, host, core: array }) =>
    host ? hostBytes(name, host) : {
      name,
      dtype: array!.view instanceof Float32Array ? "f32" as const : "u32" as const,
      bytes: core.view(Uint8Array, array!.ptr, array!.view.byteLength),
    }
  );
  await writeContainer(path, STATE_FORMAT, { ...header }, sources, { createDir: true });
}

/**
 * Reads the state at `path` into `state` and `sums` (allocated for the same data) after checking that
 * it belongs to this run (`expect`); returns its header. Throws an Error saying what differs or what is
 * wrong with the file.
 */
export async function readSamplerState(
  core: WasmCore,
  path: string,
  state: BpmfState,
  sums: readonly PredictionSums[],
  expect: Pick<SamplerHeader, "config" | "fingerprint" | "split" | "featureSchema">,
): Promise<SamplerHeader> {
  const fail = (what: string) => new Error(`Cannot resume from "${path}": ${what}`);
  let file: ContainerFile;
  try {
    file = await ContainerFile.open(path, STATE_FORMAT);
  } catch (error) {
    if (error instanceof ContainerError) {
      throw fail(
        error.kind === "missing"
          ? "there is no sampler state to continue (it is removed when sampling ends)"
          : error.message,
      );
    }
    throw error;
  }
  using _file = file;
  const header = file.header as unknown as SamplerHeader;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(header.fingerprint, expect.fingerprint)) throw fail("it was sampled on other ratings");
  if (!same(header.split, expect.split)) throw fail("it was sampled on another split of the ratings");
  if (header.featureSchema !== expect.featureSchema) {
    throw fail("it was sampled with other (or no) movie features");
  }
  if (!same(header.config, expect.config)) {
    throw fail(
      `it was sampled with other settings (${
        JSON.stringify(header.config)
      }); run with those, or start afresh`,
    );
  }
  for (const { name, host, core: array } of stateArrays(state, sums)) {
    const bytes = host
      ? new Uint8Array(host.buffer, host.byteOffset, host.byteLength)
      : core.view(Uint8Array, array!.ptr, array!.view.byteLength);
    const entry = file.entry(name);
    if (!entry || entry.length * 4 !== bytes.byteLength) {
      throw fail(`its array "${name}" is missing or has the wrong length (corrupt)`);
    }
    try {
      await file.read(name, bytes);
    } catch (error) {
      if (error instanceof ContainerError) throw fail(error.message);
      throw error;
    }
  }
  state.kept = header.kept;
  state.noiseVarianceSum = header.noiseVarianceSum;
  // JSON keeps NaN (no validation RMSE during burn-in) as null.
  const history = header.history.map((h) => ({ ...h, validationRmse: h.validationRmse ?? NaN }));
  return { ...header, history };
}
