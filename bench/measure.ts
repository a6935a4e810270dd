// Timing helpers: processes started the way the runner starts them, medians, peak memory.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export interface Timed {
  ms: number
  code: number
  stdout: string
  /** Peak resident set size in KiB, when measured. */
  peakRssKiB?: number
}

const TIME = '/usr/bin/time'
export const canMeasureRss = existsSync(TIME)

/** Runs a command to completion and times it from spawn to exit. */
export function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { rss?: boolean } = {}
): Promise<Timed> {
  const rssFile =
    options.rss && canMeasureRss
      ? join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'rss')
      : undefined
  const [file, argv] = rssFile
    ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]]
    : [command, args]
  return new Promise((resolve, reject) => {
    const started = performance.now()
    // BENCH_STDERR=1 shows the children's stderr, for debugging the harness.
    const child = spawn(file, argv, {
      env,
      stdio: ['ignore', 'pipe', process.env.BENCH_STDERR ? 'inherit' : 'ignore']
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('error', reject)
    child.on('close', async (code) => {
      const ms = performance.now() - started
      let peakRssKiB: number | undefined
      if (rssFile) {
        const { readFileSync } = await import('node:fs')
        peakRssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1))
      }
      resolve({ ms, code: code ?? -1, stdout, ...(peakRssKiB !== undefined && { peakRssKiB }) })
    })
  })
}

const root = new URL('..', import.meta.url).pathname

/**
 * A raw client's job (bench/child.ts) run in its own process, off the emulator's event loop, and
 * timed as any other contender.
 */
export function timedChild(
  job: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  options: { rss?: boolean } = {}
): Promise<Timed> {
  return timed(
    process.execPath,
    ['--import', `${root}scripts/ts-hooks.js`, `${root}bench/child.ts`, JSON.stringify(job)],
    env,
    options
  )
}

/**
 * The environment the Actions runner gives a JavaScript action: INPUT_*, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, RUNNER_TEMP, and the workflow run's variables with its event payload, so
 * that every contender pays what it pays on a runner (this action reads the run's context through
 * @actions/github only when they are there).
 */
export function actionEnv(
  inputs: Record<string, string>,
  base: NodeJS.ProcessEnv
): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'bench-action-'))
  const output = join(dir, 'output')
  const summary = join(dir, 'summary')
  const event = join(dir, 'event.json')
  writeFileSync(output, '')
  writeFileSync(summary, '')
  writeFileSync(event, JSON.stringify(EVENT))
  const env: NodeJS.ProcessEnv = {
    ...RUN,
    GITHUB_EVENT_PATH: event,
    RUNNER_TEMP: dir,
    ...base,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

const RUN = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_JOB: 'promote',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_NUMBER: '7',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com'
}

/** A push event's payload, of the size a real one has (a few KiB). */
const EVENT = {
  ref: 'refs/heads/main',
  before: '0'.repeat(40),
  after: RUN.GITHUB_SHA,
  repository: { full_name: RUN.GITHUB_REPOSITORY, name: 'app', owner: { login: 'acme' } },
  pusher: { name: 'octocat' },
  commits: Array.from({ length: 3 }, (_, i) => ({
    id: String(i).repeat(40),
    message: 'A change '.repeat(20),
    author: { name: 'Octo Cat', email: 'octocat@example.com' },
    added: [],
    removed: [],
    modified: ['src/app.ts']
  }))
}

/**
 * Interleaved rounds: every contender once per round, so noise hits all alike; medians. Round -1 is
 * a warm-up (file caches), skipped when only one round is asked for (the smoke test).
 */
export const rounds = async (count: number, round: (index: number) => Promise<void>) => {
  for (let index = count > 1 ? -1 : 0; index < count; index++) await round(index)
}

/** The bench's RTT proxy (rtt-proxy.ts) in its own process, in front of 127.0.0.1:`target`. */
export async function startProxy(
  target: number,
  rttMs: number
): Promise<{ port: number; close(): Promise<void> }> {
  const root = new URL('..', import.meta.url).pathname
  const child = spawn(
    process.execPath,
    [
      '--import',
      `${root}scripts/ts-hooks.js`,
      `${root}bench/rtt-proxy.ts`,
      JSON.stringify({ target, rttMs })
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (data: Buffer) =>
      resolve((JSON.parse(String(data)) as { port: number }).port)
    )
  })
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.stdin.end()
      })
  }
}
