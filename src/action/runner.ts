// The GitHub Actions runtime contract, written directly: inputs arrive as INPUT_* variables, outputs
// and the job summary go to the files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and log
// annotations are workflow commands on stdout. (@actions/core does the same, but its bundle brings an
// HTTP client for OIDC tokens that this action never uses and that doubles its start-up time.)
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'

import type { Log } from '../promotion/index.js'

export interface Runner extends Log {
  setOutput(name: string, value: string): void
  appendSummary(markdown: string): void
  setFailed(message: string): void
}

/** Command data: `%`, CR and LF are escaped so a value can never start a new command line. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export function formatCommand(
  command: string,
  message: string,
  properties: Record<string, string | undefined> = {}
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',')
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`
}

/** `name<<DELIMITER` blocks, as the runner parses GITHUB_OUTPUT; the delimiter is random per value. */
export function formatOutput(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`output ${name} contains its own delimiter`)
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
}

/** A plain log line that cannot be read as a workflow command, whatever text it carries. */
function safeLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.replace(/^(\s*)::/, '$1: :'))
    .join(EOL)
}

export function createRunner(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (text) => void process.stdout.write(text)
): Runner {
  const line = (text: string): void => write(text + EOL)
  return {
    info: (message) => line(safeLine(message)),
    debug: (message) => line(formatCommand('debug', message)),
    warning: (message, properties = {}) =>
      line(formatCommand('warning', message, { ...properties })),
    error: (message, properties = {}) => line(formatCommand('error', message, { ...properties })),
    async group(name, body) {
      line(formatCommand('group', name))
      try {
        return await body()
      } finally {
        line('::endgroup::')
      }
    },
    setOutput(name, value) {
      const file = env.GITHUB_OUTPUT
      if (file) appendFileSync(file, formatOutput(name, value), 'utf8')
      else line(formatCommand('set-output', value, { name }))
    },
    appendSummary(markdown) {
      const file = env.GITHUB_STEP_SUMMARY
      if (file) appendFileSync(file, markdown, 'utf8')
    },
    setFailed(message) {
      process.exitCode = 1
      line(formatCommand('error', message))
    }
  }
}
