// The runner's side of the Actions contract: INPUT_* variables in, files and workflow commands out.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImageResultJson } from '../src/promotion/index.js'

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

/** A fresh GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP, and INPUT_* variables named as the runner names them. */
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
    // Where the runner lets a step write its files (the promotion record).
    RUNNER_TEMP: dir,
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
  result?: ImageResultJson
}

/** Credentials and settings that point the SDK at a local emulator and nowhere else. */
export function emulatorEnvironment(url: string, accessKeyId = 'AKIDEMULATOR'): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-key',
    AWS_ENDPOINT_URL_ECR: url,
    AWS_ENDPOINT_URL_ECR_PUBLIC: url,
    ECR_PUBLIC_REGISTRY_URL: url,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true'
  }
}

// The source bundled afresh by jest's global setup, exactly as dist/ is built.
const distEntry = new URL('../.build/dist/index.js', import.meta.url).pathname

/**
 * Runs the bundled action as the runner does: `node index.js` of the bundle (this Node, 24) with INPUT_*
 * variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and nothing else from this process.
 */
export async function runDist(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
  onSpawn?: (child: ChildProcess) => void
): Promise<ActionRun & { stderr: string; signal: NodeJS.Signals | null }> {
  const action = actionEnvironment(inputs, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...env
  })
  const child = spawn(process.execPath, [distEntry], {
    env: action.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  onSpawn?.(child)
  let signal: NodeJS.Signals | null = null
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code, killedBy) => {
      signal = killedBy
      resolve(code ?? -1)
    })
  )
  const outputs = action.outputs()
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs,
    summary: action.summary(),
    ...(outputs.result !== undefined && {
      result: JSON.parse(outputs.result) as ActionRun['result']
    })
  }
}
