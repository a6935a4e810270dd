// The start-up and plain-HTTP parts: cold starts against a bare `node -e 0`, and promotions with
// 20 ms per request beside the AWS CLI recipe and the round-trip floor, then a rerun.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { buildImage, pushImage, type Emulator } from '../emulator/index.js'
import { actionEnv, median, timed, timedChild } from './measure.js'
import type { BenchOptions, BenchResult, Promotion } from './types.js'

const root = new URL('..', import.meta.url).pathname
const NODE = process.execPath
const CONCURRENCY = 10
/** A raised PutImage quota for the promotions: pacing to ECR's default is the quota part's subject. */
export const RAISED_RATE = '1000'

const hasAwsCli = (): boolean => spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0

export const REGION = 'us-east-1'
export const benchImage = () =>
  buildImage({ files: { 'bin/app': randomBytes(2048) }, format: 'docker' })
export const baseEnv = (url: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  ...emulatorEnvironment(url, 'AKIDBENCH'),
  AWS_REGION: REGION
})

/** Cold starts: each failing on a bad input before any network, against a bare `node -e 0`. */
export async function startupBench(
  options: BenchOptions,
  dist: string,
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
    const action = await timed(NODE, [dist], actionEnv(bad, env))
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
  const bundle = readFileSync(dist)
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

export async function httpBench(
  emulator: Emulator,
  options: BenchOptions,
  dist: string,
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
    timed(NODE, [dist], actionEnv({ 'put-image-rate': RAISED_RATE, ...inputs }, base))
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
      const trips = await timedChild(
        {
          kind: 'round-trips',
          url: emulator.url,
          repository: repository.name,
          sourceTag: 'staging',
          tags: freshTags(count),
          concurrency: CONCURRENCY
        },
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
