/**
 * Worker entry of the pool: instantiates the core over the shared memory
 * (through the binding module) and runs kernels on request.
 *
 * Protocol (main → worker): `init` {module, memory, region}, `call`
 * {id, kernel, args}. Replies: `ready`, `init-error` {message}, `done` {id},
 * `error` {id, message}. The pool terminates the Worker to shut it down.
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

scope.onmessage = async (event: MessageEvent) => {
  const msg = event.data;
  if (msg.type === "init") {
    try {
      core = await WasmCore.attach(msg.module, msg.memory, msg.region);
      scope.postMessage({ type: "ready" });
    } catch (error) {
      scope.postMessage({ type: "init-error", message: String((error as Error)?.message ?? error) });
    }
    return;
  }
  if (msg.type === "call") {
    try {
      if (!core) throw new Error("Worker received a call before it was initialised");
      if (!isKernelName(msg.kernel)) throw new TypeError(`Cannot run kernel "${msg.kernel}": unknown kernel`);
      core.call(msg.kernel, msg.args);
      scope.postMessage({ type: "done", id: msg.id });
    } catch (error) {
      scope.postMessage({ type: "error", id: msg.id, message: String((error as Error)?.message ?? error) });
    }
  }
};
