// The bundled action killed (SIGKILL) at chosen points: every tag is left either as it was or at the
// promoted digest, never anywhere else, and a rerun finishes the job.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { readRecord } from '../__fixtures__/record.js'
import {
  buildImage,
  buildIndex,
  buildReferrer,
  pushImage,
  type RequestLogEntry
} from '../emulator/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const emulator = useEmulator()
let env: NodeJS.ProcessEnv

beforeAll(() => {
  env = emulator.env
})

/** Runs the action and kills it the moment the emulator has answered the request `when` picks. */
async function runAndKill(
  inputs: Record<string, string>,
  when: (entry: RequestLogEntry, seen: number) => boolean
) {
  let seen = 0
  let killed = false
  const run = await runDist(inputs, env, (child) => {
    emulator.onResponse((entry) => {
      if (!killed && when(entry, ++seen)) {
        killed = true
        child.kill('SIGKILL')
      }
    })
  })
  emulator.onResponse(undefined)
  return { run, killed }
}

const platform = (architecture: string) => ({
  ...buildImage({
    files: { [`bin/${architecture}`]: randomBytes(512) },
    platform: { os: 'linux', architecture }
  }),
  platform: { os: 'linux', architecture }
})

let counter = 0
const TAGS = ['prod', 'stable', 'v2', 'v2.1', 'latest', 'fresh-1', 'fresh-2']

/** A repository where most tags point at an old image, and a new image to promote. */
function setup(crossRepository: boolean) {
  counter++
  const source = emulator.state.createRepository(ACCOUNT, REGION, `kill/app${counter}`)
  const target = crossRepository
    ? emulator.state.createRepository(ACCOUNT, REGION, `kill/app${counter}-prod`)
    : source
  const old = buildImage({ files: { 'bin/app': randomBytes(512) } })
  pushImage(
    target,
    old,
    emulator.state.settings,
    TAGS.filter((tag) => !tag.startsWith('fresh'))
  )
  const children = [platform('amd64'), platform('arm64')]
  for (const child of children) pushImage(source, child, emulator.state.settings)
  const index = buildIndex(children)
  pushImage(source, index, emulator.state.settings, ['candidate'])
  pushImage(
    source,
    buildReferrer(index, 'application/vnd.example.signature.v1+json', 'signed'),
    emulator.state.settings
  )
  const before = new Map(TAGS.map((tag) => [tag, target.tags.get(tag)]))
  const inputs = {
    repository: source.name,
    'source-tag': 'candidate',
    tags: TAGS.join(','),
    ...(crossRepository && { 'target-repository': target.name })
  }
  return { source, target, index, before, inputs }
}

const points: Array<[string, boolean, (entry: RequestLogEntry, seen: number) => boolean]> = [
  ['after the first read', false, (entry) => entry.operation === 'BatchGetImage'],
  ['after the first tag write', false, (entry) => entry.operation === 'PutImage'],
  ['after three tag writes', false, (entry, seen) => entry.operation === 'PutImage' && seen >= 4],
  ['after the first blob part, mid-copy', true, (entry) => entry.operation === 'UploadLayerPart'],
  ['after the first blob is complete', true, (entry) => entry.operation === 'CompleteLayerUpload'],
  [
    'after the first child manifest, before any tag',
    true,
    (entry) => entry.operation === 'PutImage' && entry.body?.imageTag === undefined
  ],
  [
    'after the first tag in the target',
    true,
    (entry) => entry.operation === 'PutImage' && entry.body?.imageTag !== undefined
  ]
]

describe('killed part way', () => {
  test.each(points)(
    '%s: tags stay as they were or move to the promoted digest; a rerun finishes',
    async (_point, crossRepository, when) => {
      const { source, target, index, before, inputs } = setup(crossRepository)
      const { run, killed } = await runAndKill(inputs, when)
      expect(killed).toBe(true)
      expect(run.signal).toBe('SIGKILL')
      for (const tag of TAGS)
        expect([before.get(tag), index.digest]).toContain(target.tags.get(tag))

      const missing = crossRepository
        ? [...source.blobs.keys()].filter((digest) => !target.blobs.has(digest)).length
        : 0
      emulator.resetLog()
      const rerun = await runDist(inputs, env)
      expect(rerun.stderr).toBe('')
      expect(rerun.exitCode).toBe(0)
      for (const tag of TAGS) expect(target.tags.get(tag)).toBe(index.digest)
      // The rerun copies exactly what the target still lacked, nothing it already had.
      expect(
        emulator.log.filter((entry) => entry.operation === 'CompleteLayerUpload')
      ).toHaveLength(missing)
    }
  )
})

describe('cancelled as GitHub cancels a step', () => {
  test('SIGINT mid-run: no new write, outputs and a summary naming the cancelled tags, and a rerun converges', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'cancel/app')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    // Forty tags at ECR's 10 PutImage a second: four seconds of writes, cancelled after the first.
    const tags = Array.from({ length: 40 }, (_, i) => `c${i}`)
    const inputs = { repository: repository.name, 'source-tag': 'staging', tags: tags.join(',') }
    let signalled = 0
    const started = performance.now()
    const run = await runDist(inputs, env, (child) => {
      emulator.onResponse((entry) => {
        if (entry.operation === 'PutImage' && signalled++ === 0) child.kill('SIGINT')
      })
    })
    emulator.onResponse(undefined)
    const elapsed = performance.now() - started
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(elapsed).toBeLessThan(6_000)
    const statuses = run.result!.tags.map((tag) => tag.status)
    expect(statuses).toContain('cancelled')
    expect(statuses.every((status) => status === 'created' || status === 'cancelled')).toBe(true)
    // What the report says was written is exactly what is in ECR.
    for (const tag of run.result!.tags)
      expect(repository.tags.get(tag.tag)).toBe(tag.status === 'created' ? image.digest : undefined)
    expect(run.outputs.images!.split('\n').filter(Boolean)).toHaveLength(
      statuses.filter((status) => status === 'created').length
    )
    expect(run.summary).toContain('⏹️ Cancelled:')
    expect(run.summary).toContain('⏹️ cancelled')
    expect(run.stdout).toContain('the run was cancelled (SIGINT)')
    // The record says the same, tag by tag.
    const record = readRecord(run.outputs.record)
    expect(record.status).toBe('cancelled')
    expect(record.images[0]!.tags.map((tag) => tag.status)).toEqual(statuses)

    const rerun = await runDist(inputs, env)
    expect(rerun.exitCode).toBe(0)
    for (const tag of tags) expect(repository.tags.get(tag)).toBe(image.digest)
  }, 30_000)

  test('a run that passes its timeout says it timed out, and names the timeout', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'cancel/timeout')
    const image = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    // ECR answers the source's read only after the deadline.
    emulator.onRequest((request) =>
      request.operation === 'BatchGetImage'
        ? new Promise((resolve) => setTimeout(() => resolve(undefined), 3_000))
        : undefined
    )
    const run = await runDist(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod', timeout: '1s' },
      env
    )
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('cancelled')
    expect(run.summary).toContain('<h3>⏹️ Timed out:')
    expect(run.summary).toContain('the run passed its 1s timeout')
    expect(repository.tags.get('prod')).toBeUndefined()
  }, 30_000)

  test('SIGINT while a gate waits for a scan: the run is cancelled, not refused', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'cancel/scan')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'IN_PROGRESS'
    })
    const inputs = {
      repository: repository.name,
      'source-tag': 'staging',
      tags: 'prod',
      'vulnerability-threshold': 'high',
      'scan-wait': '5m'
    }
    let signalled = false
    const run = await runDist(inputs, env, (child) => {
      emulator.onResponse((entry) => {
        if (entry.operation === 'DescribeImageScanFindings' && !signalled) {
          signalled = true
          child.kill('SIGINT')
        }
      })
    })
    emulator.onResponse(undefined)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('cancelled')
    expect(run.result?.tags.map((tag) => tag.status)).toEqual(['cancelled'])
    expect(run.summary).toContain('⏹️ Cancelled')
    expect(run.stdout).not.toContain('To promote, fix what the error names')
    expect(repository.tags.get('prod')).toBeUndefined()
  }, 30_000)

  test("the runner's SIGTERM after its SIGINT cuts the grace short: the report is still written", async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'cancel/held')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    const inputs = { repository: repository.name, 'source-tag': 'staging', tags: 'h1,h2,h3' }
    // Every PutImage is held unanswered, so only the grace, or its end, lets the run report.
    const held: Array<() => void> = []
    let signalledAt = 0
    const run = await runDist(inputs, env, (child) => {
      emulator.onRequest((request) => {
        if (request.operation !== 'PutImage') return undefined
        if (signalledAt === 0) {
          signalledAt = performance.now()
          child.kill('SIGINT')
          setTimeout(() => child.kill('SIGTERM'), 300)
        }
        return new Promise((resolve) => held.push(() => resolve({ drop: true })))
      })
    })
    emulator.onRequest(undefined)
    for (const release of held) release()
    const elapsed = performance.now() - signalledAt
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    // Sooner than the 4 s grace: SIGTERM ended it, and the tags held were read back.
    expect(elapsed).toBeLessThan(3_500)
    expect(run.result!.status).toBe('cancelled')
    for (const tag of run.result!.tags) expect(tag.status).toBe('cancelled')
    expect(run.summary).toContain('⏹️ Cancelled:')
    expect(readRecord(run.outputs.record).status).toBe('cancelled')
  }, 30_000)

  test('SIGINT mid-copy: the copy stops, every tag is reported cancelled, and a rerun finishes', async () => {
    const { target, index, before, inputs } = setup(true)
    let signalled = false
    const run = await runDist(inputs, env, (child) => {
      emulator.onResponse((entry) => {
        if (!signalled && entry.operation === 'UploadLayerPart') {
          signalled = true
          child.kill('SIGINT')
        }
      })
    })
    emulator.onResponse(undefined)
    expect(signalled).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(run.result!.status).toBe('cancelled')
    expect(run.result!.tags.map((tag) => tag.status)).toEqual(TAGS.map(() => 'cancelled'))
    for (const tag of TAGS) expect(target.tags.get(tag)).toBe(before.get(tag))
    expect(run.summary).toContain('⏹️ Cancelled:')

    const rerun = await runDist(inputs, env)
    expect(rerun.exitCode).toBe(0)
    for (const tag of TAGS) expect(target.tags.get(tag)).toBe(index.digest)
  }, 30_000)
})
