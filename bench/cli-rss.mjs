// Preloaded (`node --import`) into the processes bench/cli.ts measures: writes the process's
// peak resident memory (KB) to $BENCH_RSS_FILE when it exits.
import fs from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file) process.on("exit", () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
