// The entry of the server's training thread (thread.ts). Plain JavaScript, so Node starts
// it the same way in every host that trains on the server: `tsx` (the workers process and
// the CLI), vitest, and the Next.js server, which bundles thread.ts but not this file (it is
// loaded from disk at run time). tsx is registered in a namespace of its own, so the
// TypeScript worker loads whether or not the host already runs under tsx.
import { register } from "tsx/esm/api";

const tsx = register({ namespace: "assetbook-ml-thread" });
await tsx.import("./thread-worker.ts", import.meta.url);
