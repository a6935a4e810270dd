// npm run bench: this action side by side with the AWS CLI recipe and the round-trip floor, against
// the local ECR with added latency; prints a markdown table and writes bench/results.json.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { gzipSync } from 'node:zlib'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { buildImage, pushImage, startEmulator, type Emulator } from '../emulator/index.js'
import { actionEnv, median, timed } from './measure.js'

const root = new URL('..', import.meta.url).pathname
// The bundle to measure: dist/ as committed, unless the caller names a fresh build.
let DIST = `${root}dist/index.js`
const NODE = process.execPath
const HOOKS = `${root}scripts/ts-hooks.js`
const CONCURRENCY = 10
const MiB = 1024 * 1024

export interface BenchOptions {
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
  startup: {
    nodeMs: number
    actionFailingMs: number
    coldStartOverNodeMs: number
    bundleBytes: number
    bundleGzipBytes: number
  }
  promotions: Promotion[]
  rerun: { tags: number; ms: number; calls: Record<string, number> }
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
  const log = options.log ?? (() => {})
  const emulator = await startEmulator({ latencyMs: options.latencyMs })
  try {
    return await measure(emulator, options, log)
  } finally {
    await emulator.close()
  }
}

async function measure(
  emulator: Emulator,
  options: BenchOptions,
  log: (line: string) => void
): Promise<BenchResult> {
  const account = '123456789012'
  const region = 'us-east-1'
  const repository = emulator.state.createRepository(account, region, 'bench/app')
  const image = buildImage({ files: { 'bin/app': randomBytes(2048) }, format: 'docker' })
  pushImage(repository, image, emulator.state.settings, ['staging'])
  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...emulatorEnvironment(emulator.url, 'AKIDBENCH'),
    AWS_REGION: region
  }
  const skipped: string[] = []
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
  const runAction = (inputs: Record<string, string>, rss = false) =>
    timed(NODE, [DIST], actionEnv(inputs, base), { rss })
  const nodeStart = () => timed(NODE, ['-e', '0'], base)

  // Start-up: a bare Node against the action failing on a bad input before any network.
  log('start-up')
  const nodeTimes: number[] = []
  const failingTimes: number[] = []
  for (let run = 0; run < options.runs + 2; run++) {
    nodeTimes.push((await nodeStart()).ms)
    const failing = await runAction({
      repository: 'Not/A/Valid/Name',
      'source-tag': 'x',
      tags: 'y',
      region
    })
    if (failing.code !== 1) throw new Error('the failing-input run did not fail')
    failingTimes.push(failing.ms)
  }
  const nodeMs = median(nodeTimes.slice(2))
  const actionFailingMs = median(failingTimes.slice(2))
  const bundle = readFileSync(DIST)

  const promotions: Promotion[] = []
  for (const count of options.tagCounts) {
    log(`promotion to ${count} tag(s)`)
    const action: number[] = []
    const recipe: number[] = []
    const roundTrips: number[] = []
    const floorNode: number[] = []
    let actionCalls: Record<string, number> = {}
    let recipeCalls: Record<string, number> = {}
    // One warm-up round, then the measured ones; contenders interleaved so noise hits all alike.
    for (let run = -1; run < options.runs; run++) {
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

  log('rerun')
  const rerunTags = freshTags(10).join(',')
  await runAction({ repository: repository.name, 'source-tag': 'staging', tags: rerunTags, region })
  const reruns: number[] = []
  let rerunCalls: Record<string, number> = {}
  for (let run = 0; run < options.runs; run++) {
    const again = await counted(() =>
      runAction({ repository: repository.name, 'source-tag': 'staging', tags: rerunTags, region })
    )
    reruns.push(again.value.ms)
    rerunCalls = again.calls
  }

  const copy =
    options.copyBytes > 0 ? await copyBench(emulator, options.copyBytes, base, log) : undefined
  const result: Omit<BenchResult, 'targets'> = {
    node: process.version,
    cpus: availableParallelism(),
    latencyMs: options.latencyMs,
    runs: options.runs,
    startup: {
      nodeMs,
      actionFailingMs,
      coldStartOverNodeMs: actionFailingMs - nodeMs,
      bundleBytes: bundle.length,
      bundleGzipBytes: gzipSync(bundle).length
    },
    promotions,
    rerun: { tags: 10, ms: median(reruns), calls: rerunCalls },
    ...(copy && { copy }),
    skipped
  }
  return { ...result, targets: targets(result) }
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
  for (const promotion of result.promotions) {
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
        `after start-up / round trips, ${promotion.tags} tags: ≤ 1.3`,
        promotion.ratios.afterStartupOverRoundTrips.toFixed(2),
        promotion.ratios.afterStartupOverRoundTrips <= 1.3
      )
      add(
        `action / floor, ${promotion.tags} tags: ≤ 2`,
        promotion.ratios.actionOverFloor.toFixed(2),
        promotion.ratios.actionOverFloor <= 2
      )
    }
  }
  add(
    'calls on a rerun: 2 reads in one round trip',
    sortedJson(result.rerun.calls),
    sortedJson(result.rerun.calls) === sortedJson({ BatchGetImage: 1, DescribeRepositories: 1 })
  )
  if (result.copy) {
    const growth = result.copy.peakRssMiB / result.copy.smallCopyPeakRssMiB
    add(
      'copy memory flat: peak RSS, 4× the bytes / 1× the bytes ≤ 1.25',
      growth.toFixed(2),
      growth <= 1.25
    )
  }
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
        .map(([operation, n]) => `${n} ${operation}`)
        .join(', ')
    : '—'

export function renderTable(result: BenchResult): string {
  const lines = [
    `Node ${result.node}, ${result.cpus} CPUs, ${result.latencyMs} ms added per request, medians of ${result.runs} runs.`,
    '',
    '| Tags | Action | CLI recipe | Floor (node + round trips) | Recipe / action | Action / floor | After start-up / round trips | Action calls | Recipe calls |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...result.promotions.map(
      (p) =>
        `| ${p.tags} | ${ms(p.action.ms)} | ${p.recipe ? ms(p.recipe.ms) : '—'} | ${ms(p.floor.ms)} (${ms(p.floor.ms - p.floor.roundTripsMs)} + ${ms(p.floor.roundTripsMs)}) | ${ratio(p.ratios.recipeOverAction)} | ${ratio(p.ratios.actionOverFloor)} | ${ratio(p.ratios.afterStartupOverRoundTrips)} | ${calls(p.action.calls)} | ${calls(p.recipe?.calls)} |`
    ),
    '',
    `Rerun with nothing to change (10 tags): ${ms(result.rerun.ms)}, ${calls(result.rerun.calls)}.`,
    `Cold start (failing input, no network): ${ms(result.startup.actionFailingMs)} against ${ms(result.startup.nodeMs)} for a bare \`node -e 0\`: ${ms(result.startup.coldStartOverNodeMs)} more. Bundle: ${(result.startup.bundleBytes / 1024).toFixed(0)} KiB (${(result.startup.bundleGzipBytes / 1024).toFixed(0)} KiB gzipped).`
  ]
  if (result.copy) {
    const c = result.copy
    lines.push(
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke')
  const result = await runBench(
    smoke
      ? {
          tagCounts: [1],
          runs: 1,
          recipeRuns: 1,
          latencyMs: 20,
          copyBytes: 0,
          log: (line) => console.error(`… ${line}`)
        }
      : {
          tagCounts: [1, 10, 50],
          runs: 7,
          recipeRuns: 3,
          latencyMs: 20,
          copyBytes: 1024 * MiB,
          log: (line) => console.error(`… ${line}`)
        }
  )
  console.log(renderTable(result))
  if (!smoke) {
    writeFileSync(`${root}bench/results.json`, JSON.stringify(result, null, 2) + '\n')
    console.error(`wrote bench/results.json (${statSync(`${root}bench/results.json`).size} bytes)`)
  }
}
