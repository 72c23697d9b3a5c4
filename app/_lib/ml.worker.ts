// The ML training worker: runs lib/ml `train` off the page's main thread, reports each tree
// built and stops when the page asks it to (a `cancel` message aborts the signal; training
// yields to the event loop between trees, so the message gets through). The server trains
// on a worker thread that answers the same messages the same way (lib/ml/thread-worker.ts).
// First: before any zod schema is built (see zod-jitless.ts).
import "./zod-jitless";
import { trainingMessageHandler, type MlWorkerRequest } from "@/lib/ml";

const handle = trainingMessageHandler((message) => self.postMessage(message));
self.addEventListener("message", (event: MessageEvent<MlWorkerRequest>) => handle(event.data));
