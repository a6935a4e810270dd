#!/usr/bin/env node
// The command line's entry point, as npm's `ecr-promote` bin starts it: the bundle dist/cli/index.js.
import { runCli } from './index.js'

const { exitCode, abandoned } = await runCli(process.argv.slice(2))
process.exitCode = exitCode
if (abandoned) process.exit()
