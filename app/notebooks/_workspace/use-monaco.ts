"use client";
// True once Monaco is loaded from the app's bundle: an <Editor> must not mount before,
// or @monaco-editor/react would fetch Monaco from a CDN.
import { useEffect, useState } from "react";
import { loadMonaco } from "./monaco";

// Fetched and evaluated as soon as the notebook's code arrives, not after React hydrates the
// page: Monaco is megabytes of script, and every cell waits for it.
if (typeof window !== "undefined") loadMonaco().catch(() => undefined);

export function useMonacoLoaded(): boolean {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    void loadMonaco().then(() => live && setLoaded(true));
    return () => {
      live = false;
    };
  }, []);
  return loaded;
}
