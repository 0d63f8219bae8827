#!/usr/bin/env bun
// i2c-scan from this repository: the same tool as `dash-devices i2c scan` and `./app i2c scan` (src/cli/i2c.ts).
import { exitWith, scan } from "../src/cli/i2c.ts";

exitWith(scan(process.argv.slice(2), "bun scripts/i2c-scan.ts"));
