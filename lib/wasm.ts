/**
 * The one module that touches WebAssembly.
 *
 * Loads `core-wasm/pmf_core.wasm` relative to this file (a local checkout or
 * a remote package alike), creates the shared memory, instantiates the core
 * on the main thread ({@link WasmCore.create}) or inside a Worker over the
 * same memory ({@link WasmCore.attach}), owns allocation, and wraps each C-ABI
 * export in a typed method that checks its status code. Views of memory are
 * created on every access, so they are never stale after the memory grows.
 *
 * @module
 */

import { RegionAllocator } from "./_allocator.ts";

/** The C-ABI version this binding was written for (`pmf_abi_version`). */
export const ABI_VERSION = 5;

/** Where the compiled core lives, relative to this module. */
export const WASM_URL: URL = new URL("../core-wasm/pmf_core.wasm", import.meta.url);

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
/** Bytes reserved at the bottom of a Worker's region for kernel outputs. */
const SCRATCH_BYTES = 64;

/** Messages for the core's status codes (`core-wasm/src/status.rs`). */
const STATUS_TEXT: Record<number, string> = {
  1: "a required pointer is null",
  2: "a pointer is not aligned for its element type",
  3: "a buffer reaches past the end of WebAssembly memory",
  4: "a dimension is invalid (k must be positive and stride at least k)",
  5: "a size computation overflowed",
  6: "an input value is outside what the kernel accepts",
};

/** A kernel returned a non-zero status: a host-side bug, the inputs having been validated first. */
export class WasmCoreError extends Error {
  /** The status code returned by the kernel. */
  readonly status: number;
  /** The export that returned it. */
  readonly kernel: string;
  /** Builds the error for `kernel` returning `status`. */
  constructor(kernel: string, status: number) {
    super(
      `Core kernel "${kernel}" failed with status ${status}: ${STATUS_TEXT[status] ?? "unknown status"}`,
    );
    this.name = "WasmCoreError";
    this.status = status;
    this.kernel = kernel;
  }
}

/** Every C-ABI export of `pmf_core.wasm` (see `core-wasm/README.md`). */
export type CoreSymbol =
  | "pmf_dot"
  | "pmf_dot_scalar"
  | "pmf_axpy"
  | "pmf_score_movies"
  | "pmf_score_movies_scalar"
  | "pmf_parse_ratings"
  | "pmf_ids_mark"
  | "pmf_ids_assign"
  | "pmf_ids_list"
  | "pmf_ids_remap"
  | "pmf_is_sorted"
  | "pmf_counting_order"
  | "pmf_gather32"
  | "pmf_dedupe"
  | "pmf_user_offsets"
  | "pmf_checksum"
  | "pmf_checksum_scalar"
  | "pmf_train_range"
  | "pmf_train_range_scalar"
  | "pmf_errors_range"
  | "pmf_meta_project"
  | "pmf_meta_reduce"
  | "pmf_meta_adam"
  | "pmf_meta_project_hidden"
  | "pmf_meta_reduce_hidden"
  | "pmf_fold_in";

/** Raw exports of `pmf_core.wasm`; only this module sees them. */
type RawExports = { [S in CoreSymbol]: (...args: number[]) => number } & {
  __stack_pointer: WebAssembly.Global;
  __heap_base: WebAssembly.Global;
  pmf_abi_version(): number;
};

/** Name of a kernel that {@link WasmCore.call} and the Worker pool can run. */
export type KernelName =
  | "dot"
  | "dotScalar"
  | "axpy"
  | "scoreMovies"
  | "scoreMoviesScalar"
  | "trainRange"
  | "trainRangeScalar"
  | "errorsRange";

/** Kernels a Worker may be asked to run, by name: export symbol and arity. */
const KERNELS: Record<KernelName, { symbol: CoreSymbol; arity: number }> = {
  dot: { symbol: "pmf_dot", arity: 4 },
  dotScalar: { symbol: "pmf_dot_scalar", arity: 4 },
  axpy: { symbol: "pmf_axpy", arity: 4 },
  scoreMovies: { symbol: "pmf_score_movies", arity: 9 },
  scoreMoviesScalar: { symbol: "pmf_score_movies_scalar", arity: 9 },
  trainRange: { symbol: "pmf_train_range", arity: 4 },
  trainRangeScalar: { symbol: "pmf_train_range_scalar", arity: 4 },
  errorsRange: { symbol: "pmf_errors_range", arity: 4 },
};

/** True when `name` is a {@link KernelName}. */
export function isKernelName(name: string): name is KernelName {
  return Object.hasOwn(KERNELS, name);
}

/**
 * Fetches and compiles the core. `file:` URLs are read from disk; other URLs
 * are fetched (a remote package needs network permission for its host).
 */
export async function compileCore(url: URL = WASM_URL): Promise<WebAssembly.Module> {
  let bytes: Uint8Array;
  try {
    if (url.protocol === "file:") {
      bytes = await Deno.readFile(url);
    } else {
      const response = await fetch(url);
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status} ${response.statusText}`);
      }
      bytes = new Uint8Array(await response.arrayBuffer());
    }
  } catch (error) {
    throw new Error(
      `Cannot load the WebAssembly core from "${url.href}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
}

/** Options for {@link WasmCore.create}. */
export interface WasmCoreOptions {
  /** A compiled core to reuse. Default: compile {@link WASM_URL}. */
  module?: WebAssembly.Module;
  /** Initial memory in MiB; it grows on demand up to 4 GiB. Default: 32. */
  initialMiB?: number;
}

/** A region of the shared memory handed to a Worker: its stack and scratch space. */
export interface WorkerRegion {
  /** Byte offset of the region. */
  ptr: number;
  /** Region size in bytes, a multiple of 16. */
  bytes: number;
}

/** A typed-array constructor that {@link CoreArray} can view memory through. */
export type TypedArrayConstructor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * An instance of the core over a shared `WebAssembly.Memory`.
 *
 * The main-thread instance ({@link WasmCore.create}) owns the allocator;
 * Worker instances ({@link WasmCore.attach}) compute on regions they are
 * handed and never allocate.
 */
export class WasmCore {
  /** The compiled module, to post to Workers. */
  readonly module: WebAssembly.Module;
  /** The shared memory, to post to Workers. */
  readonly memory: WebAssembly.Memory;
  #exports: RawExports;
  #heap: RegionAllocator | undefined;
  #scratch: number;

  private constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    exports: RawExports,
    heap: RegionAllocator | undefined,
    scratch: number,
  ) {
    this.module = module;
    this.memory = memory;
    this.#exports = exports;
    this.#heap = heap;
    this.#scratch = scratch;
  }

  /** Compiles (or reuses) the core, creates its shared memory and instantiates it here. */
  static async create(options: WasmCoreOptions = {}): Promise<WasmCore> {
    const initialMiB = options.initialMiB ?? 32;
    if (!Number.isInteger(initialMiB) || initialMiB < 2 || initialMiB > 4096) {
      throw new RangeError(
        `Cannot create the core with initialMiB "${initialMiB}": expected an integer in 2–4096`,
      );
    }
    const module = options.module ?? await compileCore();
    const memory = new WebAssembly.Memory({
      initial: (initialMiB * 1024 * 1024) / PAGE_BYTES,
      maximum: MAX_PAGES,
      shared: true,
    });
    const exports = await instantiate(module, memory);
    const heapBase = exports.__heap_base.value as number;
    const heap = new RegionAllocator(heapBase, memory.buffer.byteLength, (minEnd) => {
      const pages = Math.ceil((minEnd - memory.buffer.byteLength) / PAGE_BYTES);
      if (memory.buffer.byteLength / PAGE_BYTES + pages > MAX_PAGES) {
        throw new RangeError(
          `Cannot grow WebAssembly memory to ${minEnd} bytes: the limit is 4 GiB; use a smaller data set or fewer factors`,
        );
      }
      memory.grow(pages);
      return memory.buffer.byteLength;
    });
    const scratch = heap.alloc(SCRATCH_BYTES);
    return new WasmCore(module, memory, exports, heap, scratch);
  }

  /**
   * Instantiates the core inside a Worker over the main thread's memory, with
   * the shadow stack at the top of `region` and scratch space at its bottom.
   */
  static async attach(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    region: WorkerRegion,
  ): Promise<WasmCore> {
    if (region.bytes < 4096 || region.ptr % 16 !== 0 || region.bytes % 16 !== 0) {
      throw new RangeError(
        `Cannot attach to region ${JSON.stringify(region)}: expected 16-byte aligned, at least 4 KiB`,
      );
    }
    const exports = await instantiate(module, memory);
    exports.__stack_pointer.value = region.ptr + region.bytes;
    return new WasmCore(module, memory, exports, undefined, region.ptr);
  }

  /** Current size of the shared memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes currently allocated through {@link alloc} (main thread only). */
  get bytesInUse(): number {
    return this.#ownHeap("bytesInUse").bytesInUse;
  }

  /** Allocates `bytes` (16-byte aligned at least); pair with {@link free}. Main thread only. */
  alloc(bytes: number, align?: number): number {
    return this.#ownHeap("alloc").alloc(bytes, align);
  }

  /** Frees a pointer from {@link alloc}. Main thread only. */
  free(ptr: number): void {
    this.#ownHeap("free").free(ptr);
  }

  /**
   * Allocates a typed array of `length` elements in the shared memory,
   * zero-filled, aligned to `align` bytes (default 16; 64 keeps rows that
   * different Workers write off each other's cache lines).
   */
  allocArray<T extends ArrayBufferView>(
    ctor: TypedArrayConstructor<T>,
    length: number,
    align?: number,
  ): CoreArray<T> {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`Cannot allocate an array of length "${length}": expected a non-negative integer`);
    }
    const ptr = this.alloc(length * ctor.BYTES_PER_ELEMENT, align);
    const array = new CoreArray(this, ctor, ptr, length);
    new Uint8Array(this.memory.buffer, ptr, length * ctor.BYTES_PER_ELEMENT).fill(0);
    return array;
  }

  /** Allocates one zeroed array per length, all or none: if one fails, the others are freed. */
  allocArrays<T extends ArrayBufferView>(
    ctor: TypedArrayConstructor<T>,
    lengths: readonly number[],
    align?: number,
  ): CoreArray<T>[] {
    const owned: CoreArray<T>[] = [];
    try {
      for (const length of lengths) owned.push(this.allocArray(ctor, length, align));
      return owned;
    } catch (error) {
      for (const a of owned) a.free();
      throw error;
    }
  }

  /** A fresh view of `length` elements at `ptr`. Do not keep it across allocations. */
  view<T>(ctor: TypedArrayConstructor<T>, ptr: number, length: number): T {
    return new ctor(this.memory.buffer, ptr, length);
  }

  /**
   * Runs a kernel by name with raw C-ABI arguments (pointers and numbers);
   * throws {@link WasmCoreError} on a non-zero status. The Worker pool uses
   * this; prefer the typed methods.
   */
  call(kernel: KernelName, args: readonly number[]): void {
    const spec = KERNELS[kernel];
    if (!spec) throw new TypeError(`Cannot run kernel "${kernel}": unknown kernel`);
    if (args.length !== spec.arity) {
      throw new TypeError(
        `Cannot run kernel "${kernel}": expected ${spec.arity} arguments, got ${args.length}`,
      );
    }
    this.invoke(spec.symbol, args);
  }

  /**
   * Calls any export with raw C-ABI arguments; throws {@link WasmCoreError}
   * on a non-zero status. For the typed kernel wrappers in `lib/`.
   */
  invoke(symbol: CoreSymbol, args: readonly number[]): void {
    const status = this.#exports[symbol](...args);
    if (status !== 0) throw new WasmCoreError(symbol, status);
  }

  /** Byte offset of this instance's 64-byte scratch area for small kernel outputs. */
  get scratch(): number {
    return this.#scratch;
  }

  /** Dot product of `n` f32 values at `a` and `b` (SIMD; `scalar` picks the scalar twin). */
  dot(a: number, b: number, n: number, scalar = false): number {
    this.call(scalar ? "dotScalar" : "dot", [a, b, n, this.#scratch]);
    return new Float32Array(this.memory.buffer, this.#scratch, 1)[0];
  }

  /** `y[i] += alpha * x[i]` for `n` f32 values. */
  axpy(alpha: number, x: number, y: number, n: number): void {
    this.call("axpy", [alpha, x, y, n]);
  }

  /**
   * Scores movies `first..first + count` for one user vector:
   * `out[i] = (offset + bias[i]) + dot(user, factors[i])`; `bias` may be 0 (none).
   */
  scoreMovies(args: ScoreMoviesArgs, scalar = false): void {
    this.call(scalar ? "scoreMoviesScalar" : "scoreMovies", scoreArgs(args));
  }

  #ownHeap(what: string): RegionAllocator {
    if (!this.#heap) {
      throw new TypeError(`Cannot ${what} in a Worker: the main thread allocates and passes pointers`);
    }
    return this.#heap;
  }
}

/** Arguments of {@link WasmCore.scoreMovies}: pointers are byte offsets in the shared memory. */
export interface ScoreMoviesArgs {
  /** The user's factor vector, `k` floats. */
  user: number;
  /** Movie factor rows, `stride` floats apart. */
  factors: number;
  /** Floats between the starts of consecutive rows (≥ k). */
  stride: number;
  /** Number of factors. */
  k: number;
  /** Movie biases, indexed by movie, or 0 for none. */
  bias: number;
  /** Added to every score (global mean plus the user's bias). */
  offset: number;
  /** First movie to score. */
  first: number;
  /** How many movies to score. */
  count: number;
  /** Output scores, indexed by movie. */
  out: number;
}

/** The C-ABI argument list of the scoring kernel. */
export function scoreArgs(a: ScoreMoviesArgs): number[] {
  return [a.user, a.factors, a.stride, a.k, a.bias, a.offset, a.first, a.count, a.out];
}

/**
 * A typed array living in the core's shared memory, with one owner.
 * Free it with {@link CoreArray.free} or a `using` declaration.
 */
export class CoreArray<T extends ArrayBufferView> implements Disposable {
  /** Byte offset in the shared memory. */
  readonly ptr: number;
  /** Number of elements. */
  readonly length: number;
  #core: WasmCore;
  #ctor: TypedArrayConstructor<T>;
  #freed = false;

  /** Wraps `length` elements at `ptr`; {@link WasmCore.allocArray} is the usual way in. */
  constructor(core: WasmCore, ctor: TypedArrayConstructor<T>, ptr: number, length: number) {
    this.#core = core;
    this.#ctor = ctor;
    this.ptr = ptr;
    this.length = length;
  }

  /** A fresh view of the elements (valid until the memory next grows). */
  get view(): T {
    if (this.#freed) throw new TypeError("Cannot view a freed CoreArray");
    return this.#core.view(this.#ctor, this.ptr, this.length);
  }

  /** Releases the memory; later use throws. Freeing twice is a no-op. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#core.free(this.ptr);
  }

  /** Same as {@link free}, for `using`. */
  [Symbol.dispose](): void {
    this.free();
  }
}

async function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<RawExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as RawExports;
  const version = exports.pmf_abi_version();
  if (version !== ABI_VERSION) {
    throw new Error(
      `Cannot use the WebAssembly core: its ABI version is ${version}, this binding expects ${ABI_VERSION}; rebuild it with 'deno task build:wasm'`,
    );
  }
  return exports;
}
