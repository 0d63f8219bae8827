#!/usr/bin/env bun
// The package's command line: `bunx dash-devices init|dev|build|i2c ...` (src/cli/main.ts).
import { main } from "../src/cli/main.ts";

process.exit(await main(process.argv.slice(2)));
