#!/usr/bin/env bun
// i2c-set from this repository: the same tool as `dash-devices i2c set` and `./app i2c set` (src/cli/i2c.ts).
import { exitWith, set } from "../src/cli/i2c.ts";

exitWith(set(process.argv.slice(2), "bun scripts/i2c-set.ts"));
