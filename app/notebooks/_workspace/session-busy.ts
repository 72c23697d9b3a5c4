"use client";
// True while any cell is queued or running. Previews wait for it before computing their
// column statistics, so a rerun chain is not slowed by full-table scans behind each cell.
import { createContext } from "react";

export const SessionBusyContext = createContext(false);
