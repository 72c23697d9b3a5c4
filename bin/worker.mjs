#!/usr/bin/env node
// `npm run worker`: the materializer and the scheduler (workers/index.ts), built into
// JavaScript (scripts/build-cli.mjs), rebuilt first when a source changed.
import { importBuilt } from "./built.mjs";

const { main } = await importBuilt("worker");
await main();
