#!/usr/bin/env bun
// i2c-get from this repository: the same tool as `dash-devices i2c get` and `./app i2c get` (src/cli/i2c.ts).
import { exitWith, get } from "../src/cli/i2c.ts";

exitWith(get(process.argv.slice(2), "bun scripts/i2c-get.ts"));
