#!/usr/bin/env node
// The hvnet CLI (see agent/cli/main.ts).
import { runCli } from '../cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
