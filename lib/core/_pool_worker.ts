/**
 * Worker entry of the pool: starts the core over the shared memory (through
 * the binding module) and runs kernels on request.
 *
 * Protocol (main → worker), each message with an `id`: `init` {module,
 * memory}, `call` {kernel, args}, `stop`. Replies carry the same `id`:
 * `done` {result} or `error` {message}. After `stop` the Worker has freed its
 * stack in the core and takes no more calls; the pool then terminates it.
 *
 * @module
 */

import { isKernelName, WasmCore } from "./wasm.ts";

/** The parts of the Worker global scope this entry uses. */
interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
let core: WasmCore | undefined;

function handle(
  msg: {
    type: string;
    kernel?: string;
    args?: unknown[];
    module?: WebAssembly.Module;
    memory?: WebAssembly.Memory;
  },
): unknown {
  switch (msg.type) {
    case "init":
      core = WasmCore.attach(msg.module!, msg.memory!);
      return undefined;
    case "call": {
      if (!core) throw new Error("Worker received a call before it was initialised");
      const kernel = String(msg.kernel);
      if (!isKernelName(kernel)) throw new TypeError(`Cannot run kernel "${kernel}": unknown kernel`);
      // deno-lint-ignore no-explicit-any
      return core.call(kernel, msg.args as any);
    }
    case "stop":
      core?.detach();
      core = undefined;
      return undefined;
    default:
      throw new TypeError(`Unknown pool message "${msg.type}"`);
  }
}

scope.onmessage = (event: MessageEvent) => {
  const msg = event.data;
  try {
    scope.postMessage({ type: "done", id: msg.id, result: handle(msg) });
  } catch (error) {
    scope.postMessage({ type: "error", id: msg.id, message: String((error as Error)?.message ?? error) });
  }
};
