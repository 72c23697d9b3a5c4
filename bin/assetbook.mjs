#!/usr/bin/env node
// The `assetbook` command: the command line built into JavaScript (scripts/build-cli.mjs),
// rebuilt first when a source changed.
import { importBuilt } from "./built.mjs";

const { main } = await importBuilt("cli");
process.exitCode = await main(process.argv.slice(2));
