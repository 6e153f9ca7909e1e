/**
 * The model, optimiser and metadata flags that `train` and `cv` share: their
 * help lines, their parser options, and their reading into training settings
 * with the same defaults and ranges (the defaults come from `lib/train/config.ts`).
 *
 * @module
 */

import { defaultThreads } from "../lib/core/pool.ts";
import {
  defaultOptimizer,
  defaultTrainConfig,
  MAX_BLOCKS,
  OPTIMIZER_NAMES,
  type TrainConfig,
} from "../lib/train/config.ts";
import { intFlag, numberFlag, UsageError } from "./_cli.ts";
import { BPMF_DEFAULTS, type BpmfConfig, BpmfConfigError, checkBpmfConfig } from "../lib/train/bpmf.ts";
import type { WasmCore } from "../lib/core/wasm.ts";

const SGD = defaultTrainConfig("sgd"),
  ADAM = defaultTrainConfig("adam"),
  ADAGRAD = defaultTrainConfig("adagrad");

/** Help lines of the model and optimiser flags. */
export const MODEL_FLAGS_HELP = `  --k N               factors (default: ${SGD.k})
  --optimizer NAME    adagrad (per-row, as LIBMF), sgd or adam (default: ${defaultOptimizer(false)}, and
                      ${defaultOptimizer(true)} when the model learns from TMDB metadata)
  --lr X              learning rate (default: ${SGD.learningRate} for sgd, ${ADAM.learningRate} for adam,
                      ${ADAGRAD.learningRate} for adagrad)
  --bias-lr X         learning rate of the biases (default: --lr)
  --reg X             weight decay of the factors (default: ${SGD.regularization}, ${ADAGRAD.regularization} for adagrad)
  --bias-reg X        weight decay of the biases (default: ${SGD.biasRegularization})
  --decay X           sgd learning-rate decay per epoch (default: ${SGD.decay})
  --epochs N          most epochs (default: ${SGD.epochs})
  --patience N        stop after N epochs without a better validation RMSE (default: ${SGD.patience})
  --seed N            initialisation and rating-order seed (default: ${SGD.seed})
  --threads N         Workers (default: ${defaultThreads()}, the number of cores); the model does not depend on it
  --blocks N          DSGD grid: users and movies each cut into N groups (default: ${SGD.blocks})`;

/** Parser options of the model and optimiser flags. */
export const MODEL_FLAGS = {
  k: { type: "string" },
  optimizer: { type: "string" },
  lr: { type: "string" },
  "bias-lr": { type: "string" },
  reg: { type: "string" },
  "bias-reg": { type: "string" },
  decay: { type: "string" },
  epochs: { type: "string" },
  patience: { type: "string" },
  seed: { type: "string" },
  threads: { type: "string" },
  blocks: { type: "string" },
} as const;

/** The parsed values of {@link MODEL_FLAGS}. */
export type ModelFlagValues = { [K in keyof typeof MODEL_FLAGS]?: string };

/**
 * Reads the model and optimiser flags into training settings and a thread
 * count; `epochs` stays undefined when `keepEpochs` (a resume keeps its own).
 * Without --optimizer, the optimiser and the settings whose defaults depend on
 * it stay undefined unless given: the run picks them once it knows whether it
 * uses metadata (`resolveTrainConfig`).
 */
export function modelSettings(
  v: ModelFlagValues,
  options: { keepEpochs?: boolean } = {},
): { settings: Partial<TrainConfig>; threads: number } {
  const optimizer = v.optimizer;
  if (optimizer !== undefined && !(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
    throw new UsageError(`Invalid --optimizer "${optimizer}": expected sgd, adam or adagrad`);
  }
  const named = optimizer === undefined ? null : defaultTrainConfig(optimizer as TrainConfig["optimizer"]);
  const opt = defaultTrainConfig();
  // A flag left out keeps the named optimiser's default, or none yet.
  const given = (
    raw: string | undefined,
    name: string,
    fallback: number | undefined,
    min: number,
    max: number,
  ) => raw === undefined ? fallback : numberFlag(raw, name, 0, min, max);
  const lr = given(v.lr, "lr", named?.learningRate, 1e-9, 10);
  const settings: Partial<TrainConfig> = {
    k: intFlag(v.k, "k", opt.k, 1, 256),
    optimizer: optimizer as TrainConfig["optimizer"] | undefined,
    learningRate: lr,
    biasLearningRate: given(v["bias-lr"], "bias-lr", lr, 1e-9, 10),
    regularization: given(v.reg, "reg", named?.regularization, 0, 100),
    biasRegularization: numberFlag(v["bias-reg"], "bias-reg", opt.biasRegularization, 0, 100),
    decay: numberFlag(v.decay, "decay", opt.decay, 1e-9, 1),
    epochs: v.epochs === undefined && options.keepEpochs
      ? undefined
      : intFlag(v.epochs, "epochs", opt.epochs, 1, 10000),
    patience: intFlag(v.patience, "patience", opt.patience, 1, 10000),
    seed: intFlag(v.seed, "seed", opt.seed, -(2 ** 31), 2 ** 31 - 1),
    blocks: intFlag(v.blocks, "blocks", opt.blocks, 1, MAX_BLOCKS),
  };
  return { settings, threads: intFlag(v.threads, "threads", defaultThreads(), 1, 64) };
}

/** Help lines of the metadata flags. */
export const META_FLAGS_HELP = `  --use-metadata      require the features (default: use them when they exist)
  --no-metadata       ignore them
  --features DIR      folder with tmdb_features.csr and tmdb_index_map.json
                      (default: the ratings folder if it has them, else data/tmdb)
  --meta-lr X         Adam learning rate of the projection W (default: ${SGD.metadataLearningRate}; 0.008
                      with adam)
  --meta-reg X        weight decay of W (default: ${SGD.metadataRegularization})
  --meta-dropout X    share of ratings trained as if their movie were new (default: ${SGD.metadataDropout})
  --meta-hidden N     hidden ReLU units between features and factors (default: 0, linear)`;

/** Parser options of the metadata flags. */
export const META_FLAGS = {
  "use-metadata": { type: "boolean", default: false },
  "no-metadata": { type: "boolean", default: false },
  features: { type: "string" },
  "meta-lr": { type: "string" },
  "meta-reg": { type: "string" },
  "meta-dropout": { type: "string" },
  "meta-hidden": { type: "string" },
} as const;

/** The parsed values of {@link META_FLAGS}. */
export type MetaFlagValues = {
  "use-metadata"?: boolean;
  "no-metadata"?: boolean;
  features?: string;
  "meta-lr"?: string;
  "meta-reg"?: string;
  "meta-dropout"?: string;
  "meta-hidden"?: string;
};

/**
 * Reads the metadata flags: the projection's settings (defaults of `optimizer`;
 * W's learning rate left undefined when neither it nor the optimiser is named),
 * whether features are required (true), ignored (false) or used when found
 * (undefined), and their folder.
 */
export function metaSettings(
  v: MetaFlagValues,
  optimizer?: TrainConfig["optimizer"],
): { settings: Partial<TrainConfig>; metadata: boolean | undefined; featuresDir: string | undefined } {
  if (v["use-metadata"] && v["no-metadata"]) {
    throw new UsageError("Pass --use-metadata or --no-metadata, not both");
  }
  const opt = defaultTrainConfig(optimizer);
  const metaLr = v["meta-lr"] === undefined && optimizer === undefined
    ? undefined
    : numberFlag(v["meta-lr"], "meta-lr", opt.metadataLearningRate, 1e-9, 10);
  return {
    settings: {
      metadataLearningRate: metaLr,
      metadataRegularization: numberFlag(v["meta-reg"], "meta-reg", opt.metadataRegularization, 0, 100),
      metadataDropout: numberFlag(v["meta-dropout"], "meta-dropout", opt.metadataDropout, 0, 0.99),
      metadataHidden: intFlag(v["meta-hidden"], "meta-hidden", opt.metadataHidden, 0, 256),
    },
    metadata: v["use-metadata"] ? true : v["no-metadata"] ? false : undefined,
    featuresDir: v.features,
  };
}

/** Help lines of the method flags. */
export const METHOD_FLAGS_HELP =
  `  --method NAME       sgd (default: PMF trained by SGD, Adam or AdaGrad) or bpmf (Bayesian PMF
                      sampled by Gibbs sampling: no tuning, and a 90% interval for every prediction;
                      --k defaults to ${BPMF_DEFAULTS.k} there; TMDB features are the movies' prior mean)
  --sweeps N          bpmf: Gibbs sweeps in all (default: ${BPMF_DEFAULTS.sweeps})
  --burn-in N         bpmf: sweeps discarded before samples are kept (default: ${BPMF_DEFAULTS.burnIn})
  --feature-reg X     bpmf with TMDB features: precision of the projection's prior (default: ${BPMF_DEFAULTS.featureReg})`;

/** Parser options of the method flags. */
export const METHOD_FLAGS = {
  method: { type: "string", default: "sgd" },
  sweeps: { type: "string" },
  "burn-in": { type: "string" },
  "feature-reg": { type: "string" },
} as const;

/**
 * Reads `--method`: null for sgd, else the Bayesian PMF settings (`--k` and
 * `--seed` shared with the other flags). A burn-in that leaves no sample is
 * refused here; `checkBpmfConfig` checks k against the core's limit.
 */
export function methodSettings(
  v: {
    method?: string;
    sweeps?: string;
    "burn-in"?: string;
    "feature-reg"?: string;
    k?: string;
    seed?: string;
  },
): BpmfConfig | null {
  if (v.method !== "sgd" && v.method !== "bpmf") {
    throw new UsageError(`Invalid --method "${v.method}": expected sgd or bpmf`);
  }
  if (v.method === "sgd") {
    for (const flag of ["sweeps", "burn-in", "feature-reg"] as const) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag} is for --method bpmf`);
    }
    return null;
  }
  const sweeps = intFlag(v.sweeps, "sweeps", BPMF_DEFAULTS.sweeps, 1, 100_000);
  const burnIn = intFlag(v["burn-in"], "burn-in", Math.min(BPMF_DEFAULTS.burnIn, sweeps - 1), 0, 100_000);
  if (burnIn >= sweeps) {
    throw new UsageError(`--burn-in ${burnIn} must be below --sweeps ${sweeps}, or no sample is kept`);
  }
  return {
    k: intFlag(v.k, "k", BPMF_DEFAULTS.k, 1, 100_000),
    sweeps,
    burnIn,
    seed: intFlag(v.seed, "seed", BPMF_DEFAULTS.seed, -(2 ** 31), 2 ** 31 - 1),
    featureReg: numberFlag(v["feature-reg"], "feature-reg", BPMF_DEFAULTS.featureReg, 1e-6, 1e8),
  };
}

/** Refuses Bayesian PMF settings the core cannot honour (k above its limit) as a usage error; null passes. */
export function checkMethod(core: WasmCore, bpmf: BpmfConfig | null): void {
  if (!bpmf) return;
  try {
    checkBpmfConfig(core, bpmf);
  } catch (error) {
    throw error instanceof BpmfConfigError ? new UsageError(error.message) : error;
  }
}

/**
 * One line naming the optimiser a run trains with and its main settings; `why` says
 * when the default picked it (it depends on whether the model learns from metadata).
 */
export function optimizerLine(c: TrainConfig, why: boolean): string {
  const name = { sgd: "SGD", adam: "Adam", adagrad: "AdaGrad" }[c.optimizer];
  const lr = c.optimizer === "sgd" ? `lr ${c.learningRate} (× ${c.decay} per epoch)` : `lr ${c.learningRate}`;
  const reason = why
    ? ` — the default ${
      c.optimizer === defaultOptimizer(true) ? "with" : "without"
    } metadata; --optimizer chooses`
    : "";
  return `Optimiser: ${name}, ${lr}, weight decay ${c.regularization}${reason}`;
}
