// Server-side training on a worker thread of its own. Training is one long synchronous loop
// (a forest can take minutes); on the server's event loop it would stall every request and
// heartbeat meanwhile. Node only (node:worker_threads): the page trains in a Web Worker
// instead (app/_lib/ml-worker.ts), with the same messages (worker-protocol.ts).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { MlCancelledError } from "./errors";
import { errorOf, type MlOutputs, type MlTrainer, type MlWorkerRequest, type MlWorkerResponse } from "./worker-protocol";

// Located by path rather than `new URL("./…", import.meta.url)`: bundlers (Next.js) rewrite
// that pattern into an emitted asset, and the entry must load from the source tree, where its
// TypeScript imports are. In a Next.js server bundle import.meta.url is still this source file.
// `turbopackIgnore`: the bundler must not trace the entry either (it would pull in tsx and esbuild's binary).
const ENTRY = path.join(/* turbopackIgnore: true */ path.dirname(fileURLToPath(import.meta.url)), "thread-entry.mjs");

/**
 * Trains on a fresh worker thread. Aborting the signal terminates the thread wherever it is
 * (no need to wait for the next tree); the promise settles once the thread is gone.
 */
export const trainInThread: MlTrainer = (request, control) =>
  new Promise<MlOutputs>((resolve, reject) => {
    const { signal } = control;
    if (signal?.aborted) return reject(new MlCancelledError());
    const worker = new Worker(/* turbopackIgnore: true */ ENTRY, { name: "assetbook-ml" });
    let settled = false;
    const settle = (outcome: { outputs: MlOutputs } | { error: Error }) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      // Terminated in every case (a finished thread would idle on its port forever), and
      // waited for: a cancelled training must not keep a core busy after its run ended.
      void worker
        .terminate()
        .catch(() => undefined)
        .then(() => ("outputs" in outcome ? resolve(outcome.outputs) : reject(outcome.error)));
    };
    const onAbort = () => settle({ error: new MlCancelledError() });
    signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (message: MlWorkerResponse) => {
      if (settled) return;
      switch (message.type) {
        case "progress":
          control.onProgress?.(message.built, message.total);
          return;
        case "done":
          return settle({ outputs: message.outputs });
        case "failed":
          return settle({ error: errorOf(message.failure) });
        default: {
          const unexpected: never = message;
          return unexpected;
        }
      }
    });
    worker.on("error", (error) => settle({ error: error instanceof Error ? error : new Error(String(error)) }));
    worker.on("exit", (code) => settle({ error: new Error(`the training thread stopped (exit code ${code}) before it answered`) }));
    worker.postMessage({ type: "train", ...request } satisfies MlWorkerRequest);
  });
