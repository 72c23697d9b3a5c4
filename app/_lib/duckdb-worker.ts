// DuckDB-WASM's browser worker, started so that its 34 MB module is compiled once per
// browser rather than on every page load. DuckDB's loader pipes the module through a
// TransformStream to report progress; the Response it builds from that stream has no URL,
// and Chrome caches compiled WebAssembly only for a Response that came from its HTTP
// cache. Without TransformStream the loader hands the fetched Response to
// `WebAssembly.instantiateStreaming` as it is (we show no download progress), and the
// next page load reuses the compiled code.
Reflect.deleteProperty(globalThis, "TransformStream");

// DuckDB's worker is a classic script, loaded as it ships (a side-effect import would be
// dropped: the package declares no side effects).
const importScripts: unknown = Reflect.get(globalThis, "importScripts");
if (typeof importScripts !== "function") throw new Error("the DuckDB worker must run as a classic Web Worker");
importScripts(new URL("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js", import.meta.url).href);
