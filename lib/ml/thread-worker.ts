// The server's training thread (started by thread.ts through thread-entry.mjs): answers one
// train request with the same protocol as the page's Web Worker. A cancel message stops
// training between trees; the host usually terminates the thread instead, which stops it
// wherever it is.
import { parentPort } from "node:worker_threads";
import { trainingMessageHandler, type MlWorkerRequest } from "./worker-protocol";

const port = parentPort;
if (port === null) throw new Error("thread-worker.ts runs as a worker thread (see thread.ts)");
const handle = trainingMessageHandler((message) => port.postMessage(message));
port.on("message", (request: MlWorkerRequest) => handle(request));
