// npm run bench: this action side by side with the AWS CLI recipe, the existing retag action and the
// round-trip floor, against the local ECR; prints markdown tables and writes bench/results.json.
// Parts, each runnable alone with `npm run bench -- --only PART[,PART]` (results.json keeps the
// other parts' last figures):
//   startup  cold starts: bare node, the action and the CLI failing on a bad input, the AWS CLI
//   http     promotions over plain HTTP with 20 ms per request, the CLI recipe, a rerun
//   tls      promotions over HTTPS with a 30 and an 80 ms RTT (tls.ts), the retag action, the floor
//   quota    ECR's quotas: 200 tags, a release of 30 images × 2 tags, and it as 30 runs (quota.ts)
//   gates    what the vulnerability, signing-status and Sigstore gates add to a promotion (gates.ts)
//   copy     1 GiB copied between repositories, against a minimal raw client
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { gzipSync } from 'node:zlib'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { buildImage, pushImage, startEmulator, type Emulator } from '../emulator/index.js'
import { gatesBench, gatesTargets, renderGates, type GatesResult } from './gates.js'
import { actionEnv, median, timed } from './measure.js'
import { quotaBench, quotaTargets, renderQuota, type QuotaResult } from './quota.js'
import { renderTls, tlsBench, tlsTargets, type TlsResult } from './tls.js'

const root = new URL('..', import.meta.url).pathname
// The bundle to measure: dist/ as committed, unless the caller names a fresh build.
let DIST = `${root}dist/index.js`
const NODE = process.execPath
const HOOKS = `${root}scripts/ts-hooks.js`
const CONCURRENCY = 10
const MiB = 1024 * 1024
/** A raised PutImage quota for the promotions: pacing to ECR's default is the quota part's subject. */
const RAISED_RATE = '1000'

export const PARTS = ['startup', 'http', 'tls', 'quota', 'gates', 'copy'] as const
export type Part = (typeof PARTS)[number]

export interface BenchOptions {
  /** Which parts to run; default all. */
  parts?: Part[]
  tagCounts: number[]
  runs: number
  /** Runs of the CLI recipe per tag count (it takes about half a second per call). */
  recipeRuns: number
  latencyMs: number
  /** Total bytes of the big image's four layers; 0 to skip the copy. */
  copyBytes: number
  log?: (line: string) => void
  /** The bundled action's entry point; default dist/index.js. */
  entry?: string
  /** The CLI's entry point; default dist/cli/index.js, skipped when absent. */
  cliEntry?: string
  tls?: { rtts: number[]; tagCounts: number[]; runs: number }
  quota?: { tags: number; images: number; tagsPerImage: number; runs: number }
  gates?: { runs: number }
}

export interface Promotion {
  tags: number
  action: { ms: number; calls: Record<string, number> }
  recipe?: { ms: number; calls: Record<string, number> }
  floor: { ms: number; roundTripsMs: number }
  afterStartupMs: number
  ratios: { recipeOverAction?: number; actionOverFloor: number; afterStartupOverRoundTrips: number }
}

export interface BenchResult {
  node: string
  cpus: number
  latencyMs: number
  runs: number
  /** The parts this run measured; the others' figures, if any, are from an earlier run. */
  parts: Part[]
  /** The machine's 1-minute load average when the run started and ended: other work skews it. */
  loadAverage?: { start: number; end: number }
  startup?: {
    nodeMs: number
    actionFailingMs: number
    coldStartOverNodeMs: number
    /** The CLI failing on a bad input, when dist/cli/index.js exists. */
    cliFailingMs?: number
    /** The AWS CLI failing on a missing argument (after loading its ECR model), when installed. */
    awsCliFailingMs?: number
    bundleBytes: number
    bundleGzipBytes: number
  }
  promotions?: Promotion[]
  /** `connections`: TCP connections the rerun opened (those opened ahead for writes included). */
  rerun?: { tags: number; ms: number; calls: Record<string, number>; connections: number }
  tls?: TlsResult
  quota?: QuotaResult
  gates?: GatesResult
  copy?: {
    bytes: number
    layers: number
    actionMs: number
    rawMs: number
    actionMiBps: number
    rawMiBps: number
    actionOverRaw: number
    peakRssMiB: number
    smallCopyPeakRssMiB: number
    calls: Record<string, number>
  }
  targets: Array<{ target: string; value: string; met: boolean }>
  skipped: string[]
}

const hasAwsCli = (): boolean => spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  if (options.entry) DIST = options.entry
  const parts = options.parts ?? [...PARTS]
  const log = options.log ?? (() => {})
  const skipped: string[] = []
  const result: Omit<BenchResult, 'targets'> = {
    node: process.version,
    cpus: availableParallelism(),
    latencyMs: options.latencyMs,
    runs: options.runs,
    parts,
    skipped
  }
  const loadStart = loadavg()[0]!
  if (parts.includes('startup')) result.startup = await startupBench(options, skipped, log)
  if (parts.includes('http')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      Object.assign(result, await httpBench(emulator, options, skipped, log))
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('tls')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs, tls: true })
    try {
      const repository = emulator.state.createRepository('123456789012', 'us-east-1', 'bench/app')
      pushImage(repository, benchImage(), emulator.state.settings, ['staging'])
      const tls = options.tls ?? {
        rtts: [30, 80],
        tagCounts: options.tagCounts,
        runs: options.runs
      }
      result.tls = await tlsBench(emulator, repository, {
        ...tls,
        serviceMs: options.latencyMs,
        dist: DIST,
        log
      })
      skipped.push(...result.tls.skipped)
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('quota')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      const quota = options.quota ?? { tags: 200, images: 30, tagsPerImage: 2, runs: 1 }
      result.quota = await quotaBench(emulator, {
        ...quota,
        dist: DIST,
        latencyMs: options.latencyMs,
        log
      })
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('gates')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      result.gates = await gatesBench(emulator, {
        runs: options.gates?.runs ?? options.runs,
        dist: DIST,
        latencyMs: options.latencyMs,
        log
      })
    } finally {
      await emulator.close()
    }
  }
  // Last: its gigabyte stays in this process's heap a while, and a big parent spawns children slowly
  // (every later process start would pay for it).
  if (parts.includes('copy') && options.copyBytes > 0) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      result.copy = await copyBench(emulator, options.copyBytes, baseEnv(emulator.url), log)
    } finally {
      await emulator.close()
    }
  }
  result.loadAverage = { start: loadStart, end: loadavg()[0]! }
  return { ...result, targets: targets(result) }
}

const REGION = 'us-east-1'
const benchImage = () => buildImage({ files: { 'bin/app': randomBytes(2048) }, format: 'docker' })
const baseEnv = (url: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  ...emulatorEnvironment(url, 'AKIDBENCH'),
  AWS_REGION: REGION
})

/** Cold starts: each failing on a bad input before any network, against a bare `node -e 0`. */
async function startupBench(
  options: BenchOptions,
  skipped: string[],
  log: (line: string) => void
): Promise<NonNullable<BenchResult['startup']>> {
  log('start-up')
  const env = baseEnv('http://127.0.0.1:9')
  const cli = options.cliEntry ?? `${root}dist/cli/index.js`
  const hasCli = existsSync(cli)
  if (!hasCli) skipped.push(`the CLI's cold start: ${cli.replace(root, '')} does not exist (yet)`)
  const aws = hasAwsCli()
  if (!aws) skipped.push("the AWS CLI's cold start: `aws` is not installed")
  const bad = { repository: 'Not/A/Valid/Name', 'source-tag': 'x', tags: 'y', region: REGION }
  const times = {
    node: [] as number[],
    action: [] as number[],
    cli: [] as number[],
    aws: [] as number[]
  }
  const warmups = options.runs > 1 ? 2 : 0
  for (let run = 0; run < options.runs + warmups; run++) {
    const warm = run < warmups
    const node = await timed(NODE, ['-e', '0'], env)
    const action = await timed(NODE, [DIST], actionEnv(bad, env))
    if (action.code !== 1) throw new Error('the failing-input run did not fail')
    if (!warm) times.node.push(node.ms)
    if (!warm) times.action.push(action.ms)
    if (hasCli) {
      const failing = await timed(
        NODE,
        [
          cli,
          '--repository',
          bad.repository,
          '--source-tag',
          'x',
          '--tags',
          'y',
          '--region',
          REGION
        ],
        env
      )
      if (failing.code === 0) throw new Error('the CLI did not fail on a bad repository name')
      if (!warm) times.cli.push(failing.ms)
    }
    // Its model for ECR loaded, a missing required argument: the AWS CLI's own cold start.
    if (aws && run < Math.min(options.runs, 5) + warmups) {
      const failing = await timed('aws', ['ecr', 'batch-get-image', '--region', REGION], env)
      if (!warm) times.aws.push(failing.ms)
    }
  }
  const bundle = readFileSync(DIST)
  const nodeMs = median(times.node)
  const actionFailingMs = median(times.action)
  return {
    nodeMs,
    actionFailingMs,
    coldStartOverNodeMs: actionFailingMs - nodeMs,
    ...(times.cli.length > 0 && { cliFailingMs: median(times.cli) }),
    ...(times.aws.length > 0 && { awsCliFailingMs: median(times.aws) }),
    bundleBytes: bundle.length,
    bundleGzipBytes: gzipSync(bundle).length
  }
}

async function httpBench(
  emulator: Emulator,
  options: BenchOptions,
  skipped: string[],
  log: (line: string) => void
): Promise<Pick<BenchResult, 'promotions' | 'rerun'>> {
  const repository = emulator.state.createRepository('123456789012', REGION, 'bench/app')
  pushImage(repository, benchImage(), emulator.state.settings, ['staging'])
  const base = baseEnv(emulator.url)
  const region = REGION
  const cli = hasAwsCli()
  if (!cli) skipped.push('the AWS CLI recipe: `aws` is not installed (Debian package awscli)')

  let unique = 0
  const freshTags = (count: number): string[] => {
    unique++
    return Array.from({ length: count }, (_, i) => `r${unique}-${i}`)
  }
  const counted = async <T>(
    body: () => Promise<T>
  ): Promise<{ value: T; calls: Record<string, number> }> => {
    emulator.resetLog()
    const value = await body()
    return { value, calls: emulator.counts() }
  }
  const runAction = (inputs: Record<string, string>) =>
    timed(NODE, [DIST], actionEnv({ 'put-image-rate': RAISED_RATE, ...inputs }, base))
  const nodeStart = () => timed(NODE, ['-e', '0'], base)

  // The cold start the promotions are measured after: the same environment as theirs.
  const failingTimes: number[] = []
  const warmup = options.runs > 1 ? 1 : 0
  for (let run = 0; run < options.runs + warmup; run++) {
    const failing = await runAction({
      repository: 'Not/A/Valid/Name',
      'source-tag': 'x',
      tags: 'y',
      region
    })
    if (failing.code !== 1) throw new Error('the failing-input run did not fail')
    if (run >= warmup) failingTimes.push(failing.ms)
  }
  const actionFailingMs = median(failingTimes)

  const promotions: Promotion[] = []
  for (const count of options.tagCounts) {
    log(`HTTP: promotion to ${count} tag(s)`)
    const action: number[] = []
    const recipe: number[] = []
    const roundTrips: number[] = []
    const floorNode: number[] = []
    let actionCalls: Record<string, number> = {}
    let recipeCalls: Record<string, number> = {}
    // One warm-up round, then the measured ones; contenders interleaved so noise hits all alike.
    for (let run = options.runs > 1 ? -1 : 0; run < options.runs; run++) {
      const a = await counted(() =>
        runAction({
          repository: repository.name,
          'source-tag': 'staging',
          tags: freshTags(count).join(','),
          region
        })
      )
      if (a.value.code !== 0) throw new Error(`the action failed:\n${a.value.stdout}`)
      const trips = await timed(
        NODE,
        [
          '--import',
          HOOKS,
          `${root}bench/child.ts`,
          JSON.stringify({
            kind: 'round-trips',
            url: emulator.url,
            repository: repository.name,
            sourceTag: 'staging',
            tags: freshTags(count),
            concurrency: CONCURRENCY
          })
        ],
        base
      )
      const bare = await nodeStart()
      // An image carries at most 1,000 tags: drop this round's before the next.
      for (const tag of [...repository.tags.keys()])
        if (tag !== 'staging') repository.tags.delete(tag)
      if (run < 0) continue
      action.push(a.value.ms)
      actionCalls = a.calls
      roundTrips.push((JSON.parse(trips.stdout) as { ms: number }).ms)
      floorNode.push(bare.ms)
      if (cli && run < options.recipeRuns) {
        const r = await counted(() =>
          recipeRun(emulator.url, repository.name, freshTags(count), base)
        )
        recipe.push(r.value)
        recipeCalls = r.calls
        for (const tag of [...repository.tags.keys()])
          if (tag !== 'staging') repository.tags.delete(tag)
      }
    }
    const actionMs = median(action)
    const roundTripsMs = median(roundTrips)
    const floorMs = median(floorNode) + roundTripsMs
    const afterStartupMs = actionMs - actionFailingMs
    const recipeMs = recipe.length > 0 ? median(recipe) : undefined
    promotions.push({
      tags: count,
      action: { ms: actionMs, calls: actionCalls },
      ...(recipeMs !== undefined && { recipe: { ms: recipeMs, calls: recipeCalls } }),
      floor: { ms: floorMs, roundTripsMs },
      afterStartupMs,
      ratios: {
        ...(recipeMs !== undefined && { recipeOverAction: recipeMs / actionMs }),
        actionOverFloor: actionMs / floorMs,
        afterStartupOverRoundTrips: afterStartupMs / roundTripsMs
      }
    })
  }

  log('HTTP: rerun')
  const rerunTags = freshTags(10).join(',')
  await runAction({ repository: repository.name, 'source-tag': 'staging', tags: rerunTags, region })
  const reruns: number[] = []
  let rerunCalls: Record<string, number> = {}
  let rerunConnections = emulator.connections()
  for (let run = 0; run < options.runs; run++) {
    const again = await counted(() =>
      runAction({ repository: repository.name, 'source-tag': 'staging', tags: rerunTags, region })
    )
    reruns.push(again.value.ms)
    rerunCalls = again.calls
    rerunConnections = emulator.connections()
  }
  return {
    promotions,
    rerun: { tags: 10, ms: median(reruns), calls: rerunCalls, connections: rerunConnections.tcp }
  }
}

/** The recipe AWS documents: batch-get-image for the manifest, then put-image once per tag. */
async function recipeRun(
  url: string,
  repositoryName: string,
  tags: string[],
  env: NodeJS.ProcessEnv
): Promise<number> {
  const cli = ['--endpoint-url', url, '--region', 'us-east-1']
  const started = performance.now()
  const got = await timed(
    'aws',
    [
      'ecr',
      'batch-get-image',
      '--repository-name',
      repositoryName,
      '--image-ids',
      'imageTag=staging',
      '--query',
      'images[].imageManifest',
      '--output',
      'text',
      ...cli
    ],
    env
  )
  const manifest = got.stdout.replace(/\n$/, '')
  for (const tag of tags) {
    const put = await timed(
      'aws',
      [
        'ecr',
        'put-image',
        '--repository-name',
        repositoryName,
        '--image-tag',
        tag,
        '--image-manifest',
        manifest,
        ...cli
      ],
      env
    )
    if (put.code !== 0) throw new Error(`aws ecr put-image failed for ${tag}`)
  }
  return performance.now() - started
}

/** A 1 GiB image of four layers copied between repositories: the action, and a minimal raw client. */
async function copyBench(
  emulator: Emulator,
  bytes: number,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void
): Promise<NonNullable<BenchResult['copy']>> {
  log(`copy of ${Math.round(bytes / MiB)} MiB`)
  emulator.setLatency(0)
  const account = '123456789012'
  const region = 'us-east-1'
  const layerBytes = Math.floor(bytes / 4)
  const layers = Array.from({ length: 4 }, () => randomBytes(layerBytes))
  const big = buildImage({ files: { 'bin/app': 'x' }, rawLayers: layers })
  // A quarter of the size, same shape: memory that stays flat is the same for both.
  const small = buildImage({
    files: { 'bin/app': 'y' },
    rawLayers: Array.from({ length: 4 }, () => randomBytes(Math.floor(layerBytes / 4)))
  })
  const source = emulator.state.createRepository(account, region, 'bench/big')
  pushImage(source, big, emulator.state.settings, ['big'])
  pushImage(source, small, emulator.state.settings, ['small'])
  for (const name of ['bench/big-prod', 'bench/big-raw', 'bench/small-prod'])
    emulator.state.createRepository(account, region, name)

  const run = async (tag: string, target: string) => {
    emulator.resetLog()
    const outcome = await timed(
      NODE,
      [DIST],
      actionEnv(
        {
          repository: source.name,
          'source-tag': tag,
          tags: 'prod',
          'target-repository': target,
          region
        },
        env
      ),
      { rss: true }
    )
    if (outcome.code !== 0) throw new Error(`the copy failed:\n${outcome.stdout}`)
    return { ...outcome, calls: emulator.counts() }
  }
  const smallCopy = await run('small', 'bench/small-prod')
  const action = await run('big', 'bench/big-prod')
  const raw = await timed(
    NODE,
    [
      '--import',
      HOOKS,
      `${root}bench/child.ts`,
      JSON.stringify({
        kind: 'copy',
        url: emulator.url,
        from: source.name,
        to: 'bench/big-raw',
        digests: big.blobs.slice(2).map((blob) => blob.digest),
        concurrency: 4
      })
    ],
    env
  )
  const rawMs = (JSON.parse(raw.stdout) as { ms: number }).ms
  const copied = layerBytes * 4
  return {
    bytes: copied,
    layers: 4,
    actionMs: action.ms,
    rawMs,
    actionMiBps: copied / MiB / (action.ms / 1000),
    rawMiBps: copied / MiB / (rawMs / 1000),
    actionOverRaw: action.ms / rawMs,
    peakRssMiB: (action.peakRssKiB ?? 0) / 1024,
    smallCopyPeakRssMiB: (smallCopy.peakRssKiB ?? 0) / 1024,
    calls: action.calls
  }
}

/** Call counts with their operations in order: requests in parallel answer in any order. */
const sortedJson = (counts: Record<string, number>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))))

function targets(result: Omit<BenchResult, 'targets'>): BenchResult['targets'] {
  const list: BenchResult['targets'] = []
  const add = (target: string, value: string, met: boolean): void =>
    void list.push({ target, value, met })
  for (const promotion of result.promotions ?? []) {
    // The tag mutability is read beside the images, in the same round trip.
    const expected = { BatchGetImage: 1, DescribeRepositories: 1, PutImage: promotion.tags }
    add(
      `calls, ${promotion.tags} tag(s): 1 + 1 reads + ${promotion.tags}`,
      sortedJson(promotion.action.calls),
      sortedJson(promotion.action.calls) === sortedJson(expected)
    )
    if (promotion.tags === 10 && promotion.ratios.recipeOverAction !== undefined) {
      add(
        'CLI recipe / action, 10 tags: ≥ 20',
        promotion.ratios.recipeOverAction.toFixed(1),
        promotion.ratios.recipeOverAction >= 20
      )
    }
    if (promotion.tags >= 10) {
      add(
        `HTTP: after start-up / round trips, ${promotion.tags} tags: ≤ 1.3`,
        promotion.ratios.afterStartupOverRoundTrips.toFixed(2),
        promotion.ratios.afterStartupOverRoundTrips <= 1.3
      )
      add(
        `HTTP: action / floor, ${promotion.tags} tags: ≤ 2`,
        promotion.ratios.actionOverFloor.toFixed(2),
        promotion.ratios.actionOverFloor <= 2
      )
    }
  }
  if (result.rerun)
    add(
      'calls on a rerun: 2 reads in one round trip',
      sortedJson(result.rerun.calls),
      sortedJson(result.rerun.calls) === sortedJson({ BatchGetImage: 1, DescribeRepositories: 1 })
    )
  if (result.tls) tlsTargets(result.tls, add)
  if (result.quota) quotaTargets(result.quota, add)
  if (result.gates) gatesTargets(result.gates, add)
  if (result.copy) {
    const growth = result.copy.peakRssMiB / result.copy.smallCopyPeakRssMiB
    add(
      'copy memory flat: peak RSS, 4× the bytes / 1× the bytes ≤ 1.25',
      growth.toFixed(2),
      growth <= 1.25
    )
  }
  if (result.startup)
    add(
      'cold start over bare node: ≤ 130 ms',
      `${result.startup.coldStartOverNodeMs.toFixed(0)} ms`,
      result.startup.coldStartOverNodeMs <= 130
    )
  return list
}

const ms = (value: number): string => `${value.toFixed(0)} ms`
const ratio = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(2)}×`
const calls = (counts: Record<string, number> | undefined): string =>
  counts
    ? Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, n]) => `${n} ${operation}`)
        .join(', ')
    : '—'

export function renderTable(result: BenchResult): string {
  const lines = [
    `Node ${result.node}, ${result.cpus} CPUs, medians of ${result.runs} runs; parts: ${result.parts.join(', ')}${result.loadAverage ? `; load average ${result.loadAverage.start.toFixed(1)} at the start, ${result.loadAverage.end.toFixed(1)} at the end` : ''}.`
  ]
  if (result.startup) {
    const s = result.startup
    lines.push(
      '',
      '| Cold start (failing on a bad input, no network) | Time | Over bare node |',
      '| --- | ---: | ---: |',
      `| bare \`node -e 0\` | ${ms(s.nodeMs)} | — |`,
      `| the action (\`node dist/index.js\`) | ${ms(s.actionFailingMs)} | ${ms(s.coldStartOverNodeMs)} |`,
      `| the CLI (\`node dist/cli/index.js\`) | ${s.cliFailingMs === undefined ? '—' : ms(s.cliFailingMs)} | ${s.cliFailingMs === undefined ? '—' : ms(s.cliFailingMs - s.nodeMs)} |`,
      `| the AWS CLI (\`aws ecr batch-get-image\`, a required argument missing) | ${s.awsCliFailingMs === undefined ? '—' : ms(s.awsCliFailingMs)} | ${s.awsCliFailingMs === undefined ? '—' : ms(s.awsCliFailingMs - s.nodeMs)} |`,
      '',
      `Bundle: ${(s.bundleBytes / 1024).toFixed(0)} KiB (${(s.bundleGzipBytes / 1024).toFixed(0)} KiB gzipped) for the entry file.`
    )
  }
  if (result.promotions) {
    lines.push(
      '',
      `Plain HTTP, ${result.latencyMs} ms added per request.`,
      '',
      '| Tags | Action | CLI recipe | Floor (node + round trips) | Recipe / action | Action / floor | After start-up / round trips | Action calls | Recipe calls |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
      ...result.promotions.map(
        (p) =>
          `| ${p.tags} | ${ms(p.action.ms)} | ${p.recipe ? ms(p.recipe.ms) : '—'} | ${ms(p.floor.ms)} (${ms(p.floor.ms - p.floor.roundTripsMs)} + ${ms(p.floor.roundTripsMs)}) | ${ratio(p.ratios.recipeOverAction)} | ${ratio(p.ratios.actionOverFloor)} | ${ratio(p.ratios.afterStartupOverRoundTrips)} | ${calls(p.action.calls)} | ${calls(p.recipe?.calls)} |`
      )
    )
  }
  if (result.rerun)
    lines.push(
      '',
      `Rerun with nothing to change (10 tags): ${ms(result.rerun.ms)}, ${calls(result.rerun.calls)}, ${result.rerun.connections} connections.`
    )
  if (result.tls) lines.push('', ...renderTls(result.tls))
  if (result.quota) lines.push('', ...renderQuota(result.quota))
  if (result.gates) lines.push('', ...renderGates(result.gates))
  if (result.copy) {
    const c = result.copy
    lines.push(
      '',
      `Copy of ${(c.bytes / MiB / 1024).toFixed(2)} GiB in ${c.layers} layers between repositories: ${(c.actionMs / 1000).toFixed(1)} s (${c.actionMiBps.toFixed(0)} MiB/s) against ${(c.rawMs / 1000).toFixed(1)} s (${c.rawMiBps.toFixed(0)} MiB/s) for a minimal raw client: ${ratio(c.actionOverRaw)}. Peak RSS of the action: ${c.peakRssMiB.toFixed(0)} MiB (${c.smallCopyPeakRssMiB.toFixed(0)} MiB for an image a quarter of the size).`
    )
  }
  lines.push(
    '',
    '| Target | Value | Met |',
    '| --- | --- | --- |',
    ...result.targets.map((t) => `| ${t.target} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`)
  )
  if (result.skipped.length > 0) lines.push('', ...result.skipped.map((s) => `Skipped: ${s}.`))
  return lines.join('\n')
}

/** `--only tls,quota`: the parts named; default all. */
export function partsFrom(argv: string[]): Part[] {
  const at = argv.indexOf('--only')
  if (at < 0) return [...PARTS]
  const named = (argv[at + 1] ?? '').split(',').filter((part) => part !== '')
  const unknown = named.filter((part) => !(PARTS as readonly string[]).includes(part))
  if (named.length === 0 || unknown.length > 0)
    throw new Error(
      `--only takes parts among ${PARTS.join(', ')}; got ${argv[at + 1] ?? 'nothing'}`
    )
  return named as Part[]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke')
  const log = (line: string) => console.error(`… ${line}`)
  // BENCH_ENTRY: another build of the action to measure (default dist/index.js).
  const entry = process.env.BENCH_ENTRY ? { entry: process.env.BENCH_ENTRY } : {}
  const result = await runBench(
    smoke
      ? {
          ...entry,
          parts: partsFrom(process.argv),
          tagCounts: [1],
          runs: 1,
          recipeRuns: 1,
          latencyMs: 20,
          copyBytes: 0,
          tls: { rtts: [30], tagCounts: [1], runs: 1 },
          quota: { tags: 20, images: 3, tagsPerImage: 2, runs: 1 },
          gates: { runs: 1 },
          log
        }
      : {
          ...entry,
          parts: partsFrom(process.argv),
          tagCounts: [1, 10, 50],
          runs: 7,
          recipeRuns: 3,
          latencyMs: 20,
          copyBytes: 1024 * MiB,
          tls: { rtts: [30, 80], tagCounts: [1, 10, 50], runs: 7 },
          quota: { tags: 200, images: 30, tagsPerImage: 2, runs: 1 },
          gates: { runs: 7 },
          log
        }
  )
  console.log(renderTable(result))
  if (!smoke) {
    const file = `${root}bench/results.json`
    // A partial run keeps the other parts' last figures.
    const earlier = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResult>)
      : {}
    const kept = Object.fromEntries(
      PARTS.filter((part) => !result.parts.includes(part)).flatMap((part) => {
        const keys = part === 'http' ? (['promotions', 'rerun'] as const) : ([part] as const)
        return keys.filter((key) => earlier[key] !== undefined).map((key) => [key, earlier[key]])
      })
    )
    const merged = { ...kept, ...result }
    writeFileSync(file, JSON.stringify({ ...merged, targets: targets(merged) }, null, 2) + '\n')
    console.error(`wrote bench/results.json (${statSync(file).size} bytes)`)
  }
}
