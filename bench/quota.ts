// Promotions against ECR's rate quotas (the emulator's quota model: ECR's documented defaults, one
// token bucket per account, region and operation, a second's worth of burst): many tags from one
// image, a release of many images in one step, and the same release as a matrix of single-image
// runs started at once. Each against its quota floor, writes / PutImage rate.
import { randomBytes } from 'node:crypto'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { buildImage, pushImage, type Emulator } from '../emulator/index.js'
import { actionEnv, median, timed } from './measure.js'

const NODE = process.execPath
/** ECR's default PutImage quota, and the action's default put-image-rate. */
const PUT_IMAGE_RATE = 10

export interface QuotaRun {
  ms: number
  /** writes / PutImage rate. */
  floorMs: number
  overFloor: number
  requests: number
  throttled: number
  throttledShare: number
  calls: Record<string, number>
}

export interface QuotaResult {
  latencyMs: number
  runs: number
  manyTags: QuotaRun & { tags: number }
  /** `error`: why the step failed, when it did (then its figures are of a failed run). */
  release: QuotaRun & { images: number; tagsPerImage: number; failed: number; error?: string }
  /** Unset when the run left it out (`--large`: a hundred processes at once measure the machine). */
  matrix?: QuotaRun & { images: number; tagsPerImage: number; failed: number }
}

export interface QuotaOptions {
  dist: string
  tags: number
  images: number
  tagsPerImage: number
  runs: number
  latencyMs: number
  /** Also run the release as single-image runs started at once (default true). */
  matrix?: boolean
  log: (line: string) => void
}

const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0)

export async function quotaBench(emulator: Emulator, options: QuotaOptions): Promise<QuotaResult> {
  const account = '123456789012'
  const region = 'us-east-1'
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...emulatorEnvironment(emulator.url, 'AKIDQUOTA'),
    AWS_REGION: region
  }
  emulator.setLatency(options.latencyMs)
  const image = buildImage({ files: { 'bin/app': randomBytes(1024) }, format: 'docker' })
  const single = emulator.state.createRepository(account, region, 'quota/app')
  pushImage(single, image, emulator.state.settings, ['staging'])
  const names = Array.from({ length: options.images }, (_, i) => `quota/svc-${i}`)
  const repositories = names.map((name) => {
    const repository = emulator.state.createRepository(account, region, name)
    pushImage(
      repository,
      buildImage({ files: { [`bin/${name}`]: randomBytes(512) }, format: 'docker' }),
      emulator.state.settings,
      ['staging']
    )
    return repository
  })
  const clean = (): void => {
    for (const repository of [single, ...repositories])
      for (const tag of [...repository.tags.keys()])
        if (tag !== 'staging') repository.tags.delete(tag)
  }
  let unique = 0
  const tagList = (count: number): string => {
    unique++
    return Array.from({ length: count }, (_, i) => `q${unique}-${i}`).join(',')
  }
  /** One measured run from full buckets: wall time, requests, throttled answers. */
  const measured = async <T>(
    body: () => Promise<T>
  ): Promise<{ ms: number; value: T; calls: Record<string, number>; throttled: number }> => {
    emulator.setQuotas('ecr-defaults')
    emulator.resetLog()
    const started = performance.now()
    const value = await body()
    const ms = performance.now() - started
    const calls = emulator.counts()
    const throttled = sum(emulator.throttled())
    clean()
    return { ms, value, calls, throttled }
  }
  const summarize = (
    runs: Array<{ ms: number; calls: Record<string, number>; throttled: number }>,
    writes: number
  ): QuotaRun => {
    const ms = median(runs.map((r) => r.ms))
    const last = runs.at(-1)!
    const requests = sum(last.calls)
    const floorMs = (writes / PUT_IMAGE_RATE) * 1000
    return {
      ms,
      floorMs,
      overFloor: ms / floorMs,
      requests,
      throttled: last.throttled,
      throttledShare: last.throttled / requests,
      calls: last.calls
    }
  }
  const run = (inputs: Record<string, string>) =>
    timed(NODE, [options.dist], actionEnv({ region, ...inputs }, base))

  try {
    options.log(`quotas: ${options.tags} tags from one image`)
    const many = []
    for (let i = 0; i < options.runs; i++) {
      const outcome = await measured(() =>
        run({ repository: single.name, 'source-tag': 'staging', tags: tagList(options.tags) })
      )
      if (outcome.value.code !== 0) throw new Error(`the action failed:\n${outcome.value.stdout}`)
      many.push(outcome)
    }

    options.log(`quotas: a release of ${options.images} images × ${options.tagsPerImage} tags`)
    const sources = names.map((name) => `${name}:staging`).join('\n')
    const release = []
    let releaseError: string | undefined
    for (let i = 0; i < options.runs; i++) {
      const outcome = await measured(() => run({ sources, tags: tagList(options.tagsPerImage) }))
      if (outcome.value.code !== 0)
        releaseError ??=
          /^::error::(.*)$/m.exec(outcome.value.stdout)?.[1] ?? `exit code ${outcome.value.code}`
      release.push(outcome)
    }

    options.log(`quotas: the same as ${options.images} single-image runs at once`)
    const matrix = []
    let failed = 0
    for (let i = 0; i < (options.matrix === false ? 0 : options.runs); i++) {
      const tags = tagList(options.tagsPerImage)
      const outcome = await measured(() =>
        Promise.all(names.map((name) => run({ repository: name, 'source-tag': 'staging', tags })))
      )
      failed = Math.max(failed, outcome.value.filter((r) => r.code !== 0).length)
      matrix.push(outcome)
    }
    const writes = options.images * options.tagsPerImage
    return {
      latencyMs: options.latencyMs,
      runs: options.runs,
      manyTags: { tags: options.tags, ...summarize(many, options.tags) },
      release: {
        images: options.images,
        tagsPerImage: options.tagsPerImage,
        failed: release.filter((r) => r.value.code !== 0).length,
        ...(releaseError !== undefined && { error: releaseError }),
        ...summarize(release, writes)
      },
      ...(matrix.length > 0 && {
        matrix: {
          images: options.images,
          tagsPerImage: options.tagsPerImage,
          failed,
          ...summarize(matrix, writes)
        }
      })
    }
  } finally {
    emulator.setQuotas({})
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`

export function renderQuota(result: QuotaResult): string[] {
  const row = (what: string, r: QuotaRun, extra = '—'): string =>
    `| ${what} | ${seconds(r.ms)} | ${seconds(r.floorMs)} | ${r.overFloor.toFixed(2)}× | ${r.requests} | ${r.throttled} (${percent(r.throttledShare)}) | ${extra} |`
  return [
    `ECR's default quotas (PutImage ${PUT_IMAGE_RATE}/s, a second of burst), ${result.latencyMs} ms per request, plain HTTP, medians of ${result.runs} run(s); the floor is writes / ${PUT_IMAGE_RATE} per second.`,
    '',
    '| Run | Wall time | Quota floor | Over floor | Requests | Throttled | Failed runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(`${result.manyTags.tags} tags from one image`, result.manyTags),
    row(
      `a release of ${result.release.images} images × ${result.release.tagsPerImage} tags, one step`,
      result.release,
      String(result.release.failed)
    ),
    ...(result.matrix
      ? [
          row(
            `the same release as ${result.matrix.images} single-image runs started at once`,
            result.matrix,
            String(result.matrix.failed)
          )
        ]
      : []),
    ...(result.release.error ? ['', `The release step failed: ${result.release.error}`] : [])
  ]
}

export function quotaTargets(
  result: QuotaResult,
  add: (target: string, value: string, met: boolean) => void
): void {
  const m = result.manyTags
  // At release scale (`--large`) the second of burst is a rounding error: the bar is the floor.
  const large = m.tags >= 500
  const bound = large ? 1.02 : 1.15
  add(
    `${m.tags} tags at PutImage 10/s: wall / floor ≤ ${bound}`,
    m.overFloor.toFixed(2),
    m.overFloor <= bound
  )
  if (large) add(`${m.tags} tags: none throttled`, String(m.throttled), m.throttled === 0)
  add(`${m.tags} tags: throttled < 2%`, percent(m.throttledShare), m.throttledShare < 0.02)
  const r = result.release
  const releaseBound = large ? 1.02 : 1.2
  add(
    `release ${r.images} × ${r.tagsPerImage}: wall / floor ≤ ${releaseBound}`,
    r.overFloor.toFixed(2),
    r.overFloor <= releaseBound
  )
  if (large) add(`release: none throttled`, String(r.throttled), r.throttled === 0)
  add(`release: throttled < 2%`, percent(r.throttledShare), r.throttledShare < 0.02)
  add(`release: no failed step`, String(r.failed), r.failed === 0)
}
