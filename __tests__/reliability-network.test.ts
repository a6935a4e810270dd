// A network that misbehaves as real ones do, against the local ECR: an endpoint nothing listens on,
// one that accepts connections and never answers, one write held forever mid-run, ECR's tag limit, and answers to
// layer uploads lost after ECR applied them.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { createServer, type AddressInfo } from 'node:net'
import { runCommand } from './cli/run.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUTS } from '../src/registry/transport.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const MiB = 1024 * 1024
const emulator = useEmulator({ inProcess: true, partSize: 5 * MiB, minPartSize: 5 * MiB })
let counter = 0

function repository(name: string) {
  counter++
  return emulator.state.createRepository(ACCOUNT, REGION, `${name}${counter}`)
}

describe('an endpoint nothing listens on', () => {
  test('the command line names it unreachable within a second, not after a minute of retries', async () => {
    // A port that was just free: connecting to it is refused.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise((resolve) => server.close(resolve))
    const endpoint = `http://127.0.0.1:${port}`
    const started = performance.now()
    const run = await runCommand(['--repository=demo/app', '--source-tag=staging', '--tags=prod'], {
      ...emulatorEnvironment(endpoint),
      AWS_REGION: REGION
    })
    expect(run.exitCode).toBe(1)
    expect(run.stderr + run.stdout).toContain(
      `the endpoint ${endpoint} is unreachable: nothing accepts connections there (connection refused) (3 attempt(s) in`
    )
    expect(run.stderr + run.stdout).not.toContain('ECR said')
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})

describe('an endpoint that never answers', () => {
  test('fails the run within its timeouts, naming the operation and the endpoint', async () => {
    const app = repository('stall/app')
    pushImage(app, buildImage({ files: { bin: randomBytes(64) } }), emulator.state.settings, [
      'staging'
    ])
    emulator.setFaults({ rules: [{ kind: 'stall', rate: 1 }] })
    const started = performance.now()
    const run = await runAction(
      { repository: app.name, 'source-tag': 'staging', tags: 'prod', region: REGION },
      {},
      {
        registry: {
          retryDelay: () => 0,
          timeouts: { requestMs: 200, connectMs: 200, silenceMs: 700 }
        }
      }
    )
    const elapsed = performance.now() - started
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      new RegExp(
        `BatchGetImage to ${emulator.url} got no answer in 0.2 s \\(\\d attempt\\(s\\), [\\d.]+ s in all\\)`
      )
    )
    // Retries of a silent endpoint stop once it has said nothing for silenceMs.
    expect(elapsed).toBeLessThan(2_000)
    expect(app.tags.get('prod')).toBeUndefined()
    expect(run.result?.status).toBe('failed')
    expect(run.summary).toContain('❌ Failed: nothing was written for stall/app')
    // The log says what the report says: failed, not refused.
    expect(run.stdout).toContain('::group::Plan: stopped before any write, 1 problem')
    expect(run.stdout).toMatch(/^Failed: stall\/app\d+:staging: /m)
    expect(run.stdout).not.toMatch(/^Refused/m)
  })

  test('by default, gives up within three minutes: the policy bounds the wait', () => {
    // Silence ends the retries; the call in flight then, and one read-back, can each take an attempt.
    const worst =
      DEFAULT_TIMEOUTS.silenceMs + 2 * DEFAULT_TIMEOUTS.requestMs + DEFAULT_TIMEOUTS.connectMs
    expect(worst).toBeLessThan(180_000)
    expect(DEFAULT_MAX_ATTEMPTS).toBeGreaterThan(1)
  })

  test('one PutImage held forever mid-run is timed out and retried: every tag lands', async () => {
    const app = repository('stall/held')
    const image = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(app, image, emulator.state.settings, ['staging'])
    emulator.setFaults({ rules: [{ kind: 'stall', nth: 19, operations: ['PutImage'] }] })
    const tags = Array.from({ length: 20 }, (_, i) => `t${i}`)
    const run = await runAction(
      { repository: app.name, 'source-tag': 'staging', tags: tags.join(','), region: REGION },
      {},
      { registry: { retryDelay: () => 0, timeouts: { requestMs: 300 } } }
    )
    expect(run.exitCode).toBe(0)
    for (const tag of tags) expect(app.tags.get(tag)).toBe(image.digest)
    expect(emulator.counts().PutImage).toBe(21)
  })
})

describe("ECR's tag limit", () => {
  test('a tag over the 1,000-tag limit, when the count cannot be read, fails at once at the write, saying retries will not help', async () => {
    const app = repository('limit/app')
    const image = buildImage({ files: { bin: randomBytes(64) } })
    const existing = Array.from({ length: 1000 }, (_, i) => `old-${i}`)
    pushImage(app, image, emulator.state.settings, existing)
    // Without ecr:DescribeImages the count is not known before the write: the run says so.
    emulator.onRequest((request) =>
      request.operation === 'DescribeImages'
        ? { status: 400, body: { __type: 'AccessDeniedException', message: 'denied' } }
        : undefined
    )
    const started = performance.now()
    const run = await runAction(
      { repository: app.name, 'source-digest': image.digest, tags: 'one-too-many', region: REGION },
      {},
      {}
    )
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(run.exitCode).toBe(1)
    expect(emulator.counts().PutImage).toBe(1)
    const [tag] = run.result!.tags
    expect(tag).toMatchObject({ tag: 'one-too-many', status: 'failed', retryable: false })
    expect(tag!.message).toContain('the 1,000 tags an image may carry, which no retry gets past')
    expect(run.stdout).not.toContain('A rerun finishes')
    expect(run.stdout).toMatch(
      /^::warning::.*ECR's limit of 1000 tags per image is checked only when the tags are written/m
    )
  })

  test('a hundred new tags past the limit are refused before any write', async () => {
    const app = repository('limit/many')
    const image = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(
      app,
      image,
      emulator.state.settings,
      Array.from({ length: 950 }, (_, i) => `old-${i}`)
    )
    const tags = Array.from({ length: 100 }, (_, i) => `new-${i}`)
    const run = await runAction(
      { repository: app.name, 'source-digest': image.digest, tags: tags.join(','), region: REGION },
      {},
      {}
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('refused')
    expect(emulator.counts().PutImage).toBeUndefined()
    expect(run.stdout).toContain("would pass ECR's limit of 1000 tags per image")
    // The refusal is named where a reader looks: one annotation, the summary, and what to do.
    const errors = run.stdout.match(/^::error.*$/gm) ?? []
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error title=Tag limit::.*already carries 950 tags/)
    expect(errors[0]).toContain('remove tags the image no longer needs, or promote fewer')
    expect(run.result?.problems).toEqual([
      { title: 'Tag limit', message: expect.stringContaining("ECR's limit of 1000 tags") }
    ])
    expect(run.summary).toContain('<strong>Tag limit</strong>')
  })
})

describe('answers lost after ECR applied the call', () => {
  test('a copy whose UploadLayerPart and CompleteLayerUpload answers are dropped finishes in one run', async () => {
    const source = repository('lost/app')
    const target = repository('lost/app-prod')
    const layer = randomBytes(24 * MiB)
    const image = buildImage({ files: { bin: randomBytes(100) }, rawLayers: [layer] })
    pushImage(source, image, emulator.state.settings, ['staging'])
    emulator.setFaults({
      seed: 7,
      rules: [
        { kind: 'drop-after', rate: 0.2, operations: ['UploadLayerPart'] },
        { kind: 'drop-after', rate: 1, operations: ['CompleteLayerUpload'] }
      ]
    })
    const run = await runAction(
      {
        repository: source.name,
        'source-tag': 'staging',
        tags: 'prod',
        'target-repository': target.name,
        region: REGION
      },
      {},
      { registry: { retryDelay: () => 0 }, copy: { progressIntervalMs: 0 } }
    )
    if (run.exitCode !== 0) throw new Error(run.stdout)
    expect(target.tags.get('prod')).toBe(image.digest)
    expect(Buffer.concat(target.blobs.get(image.blobs[2]!.digest)!.chunks).equals(layer)).toBe(true)
    const dropped = emulator.log.filter((entry) => entry.fault === 'drop-after')
    expect(dropped.some((entry) => entry.operation === 'UploadLayerPart')).toBe(true)
    expect(
      dropped.filter((entry) => entry.operation === 'CompleteLayerUpload').length
    ).toBeGreaterThan(0)
    // Healed where the answer was lost, not by uploading the blob again.
    expect(emulator.log.filter((entry) => entry.operation === 'InitiateLayerUpload')).toHaveLength(
      3
    )
  }, 60_000)
})
