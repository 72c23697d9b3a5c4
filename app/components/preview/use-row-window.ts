"use client";
// The rows a scroller shows (lib/preview/row-window.ts), kept up to date as it scrolls and
// resizes; the component re-renders only when the window moves by a row.
import { useEffect, useState, type RefObject } from "react";
import { rowWindow, type RowWindow } from "@/lib/preview/row-window";

export interface RowWindowOptions {
  scroller: RefObject<HTMLElement | null>;
  /** Where the first row starts in the scrolled content (below the headers). */
  offset: number;
  rowHeight: number;
  count: number;
  overscan: number;
}

export function useRowWindow({ scroller, offset, rowHeight, count, overscan }: RowWindowOptions): RowWindow {
  const [shown, setShown] = useState<RowWindow>(() => rowWindow({ scrollTop: 0, viewport: 0, offset, rowHeight, count, overscan }));
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // Read in a scroll event or an observer's call, when the layout is current: reading
    // them during a commit would force a layout of the whole page (the observer's first
    // call, right after the next layout, gives the first real window).
    const update = () => {
      const next = rowWindow({ scrollTop: element.scrollTop, viewport: element.clientHeight, offset, rowHeight, count, overscan });
      setShown((current) => (current.first === next.first && current.last === next.last ? current : next));
    };
    element.addEventListener("scroll", update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener("scroll", update);
      observer.disconnect();
    };
  }, [scroller, offset, rowHeight, count, overscan]);
  return shown;
}
