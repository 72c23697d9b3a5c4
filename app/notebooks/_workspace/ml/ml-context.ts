"use client";
import { createContext, useContext, useSyncExternalStore } from "react";
import type { MlJobs, MlJobState } from "./ml-jobs";

export const MlJobsContext = createContext<MlJobs | undefined>(undefined);

/** The training in flight for a cell, if any. */
export function useMlJob(name: string): { job: MlJobState | undefined; jobs: MlJobs | undefined } {
  const jobs = useContext(MlJobsContext);
  const job = useSyncExternalStore(
    jobs?.subscribe ?? noSubscribe,
    () => jobs?.get(name),
    () => undefined,
  );
  return { job, jobs };
}

const noSubscribe = () => () => undefined;
