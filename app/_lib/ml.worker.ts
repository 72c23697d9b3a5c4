// The ML training worker: runs lib/ml `train` off the page's main thread, reports each tree
// built and stops when the page asks it to (a `cancel` message aborts the signal; training
// yields to the event loop between trees, so the message gets through).
// First: before any zod schema is built (see zod-jitless.ts).
import "./zod-jitless";
import { mlOutputsOf } from "@/lib/engine/materialize-ml";
import { MlCancelledError, MlInputError, train } from "@/lib/ml";
import type { MlWorkerFailure, MlWorkerRequest, MlWorkerResponse } from "./ml-messages";

const PROGRESS_EVERY_MS = 100;
const controller = new AbortController();
let lastReport = -Infinity;
const post = (message: MlWorkerResponse) => self.postMessage(message);

function failureOf(error: unknown): MlWorkerFailure {
  if (error instanceof MlCancelledError) return { kind: "cancelled" };
  if (error instanceof MlInputError) return { kind: "input", field: error.field, message: error.message };
  return { kind: "error", message: error instanceof Error ? error.message : String(error) };
}

async function run(request: Extract<MlWorkerRequest, { type: "train" }>): Promise<void> {
  try {
    const result = await train(request.config, request.table, {
      predictOn: request.predictOn,
      signal: controller.signal,
      onProgress: (built, total) => {
        // At most one report per PROGRESS_EVERY_MS (and the last): each one re-renders the page.
        const now = performance.now();
        if (built < total && now - lastReport < PROGRESS_EVERY_MS) return;
        lastReport = now;
        post({ type: "progress", built, total });
      },
    });
    post({ type: "done", outputs: mlOutputsOf(result) });
  } catch (error) {
    post({ type: "failed", failure: failureOf(error) });
  }
}

self.addEventListener("message", (event: MessageEvent<MlWorkerRequest>) => {
  const request = event.data;
  switch (request.type) {
    case "train":
      void run(request);
      break;
    case "cancel":
      controller.abort();
      break;
    default: {
      const unexpected: never = request;
      return unexpected;
    }
  }
});
