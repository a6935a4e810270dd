// The runner's side of the Actions contract: INPUT_* variables in, files and workflow commands out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EcrOptions } from '../src/ecr.js'
import { main } from '../src/main.js'
import { createRunner } from '../src/runner.js'

/** Parses GITHUB_OUTPUT as the runner does: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
      if (i >= lines.length) throw new Error(`unterminated output ${name}`)
      outputs[name!] = value.join('\n')
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) throw new Error(`invalid output line: ${line}`)
    outputs[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return outputs
}

export interface ActionEnvironment {
  env: NodeJS.ProcessEnv
  outputs(): Record<string, string>
  summary(): string
}

/** A fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and INPUT_* variables named as the runner names them. */
export function actionEnvironment(
  inputs: Record<string, string>,
  extra: NodeJS.ProcessEnv = {}
): ActionEnvironment {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-promote-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: NodeJS.ProcessEnv = {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...extra
  }
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return {
    env,
    outputs: () => parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: () => readFileSync(summaryFile, 'utf8')
  }
}

export interface ActionRun {
  exitCode: number
  stdout: string
  outputs: Record<string, string>
  summary: string
  /** The parsed `result` output, when the run got far enough to set it. */
  result?: {
    digest: string
    mediaType: string
    repository: string
    registryId: string
    region: string
    image: string
    dryRun: boolean
    changed: boolean
    tags: Array<{ tag: string; status: string; previousDigest: string | null; message?: string }>
  }
}

/**
 * Runs `main` in-process as the runner would start the action: inputs as INPUT_* variables,
 * outputs and summary through their files, log lines captured from the runner's stdout.
 */
export async function runAction(
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
  ecrOptions: EcrOptions = {}
): Promise<ActionRun> {
  const action = actionEnvironment(inputs, extraEnv)
  let stdout = ''
  process.exitCode = undefined
  try {
    await main(
      action.env,
      createRunner(action.env, (text) => (stdout += text)),
      ecrOptions
    )
    const outputs = action.outputs()
    return {
      exitCode: Number(process.exitCode ?? 0),
      stdout,
      outputs,
      summary: action.summary(),
      ...(outputs.result !== undefined && {
        result: JSON.parse(outputs.result) as ActionRun['result']
      })
    }
  } finally {
    process.exitCode = undefined
  }
}
