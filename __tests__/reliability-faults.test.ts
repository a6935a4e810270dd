// Faults: throttling and server errors injected at high rates; promotions still end with every tag
// right, and when faults outlast the retries the run fails cleanly and a rerun converges.
import { describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage, type FaultRule } from '../emulator/index.js'
import { DEFAULT_MAX_ATTEMPTS } from '../src/registry/transport.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
/** The production retry strategy and attempts, without the waiting. */
const fast = {
  registry: { retryDelay: () => 0 },
  copy: { progressIntervalMs: 0 }
}

/**
 * Independent shares of all requests: each rule is tried only when the ones before it did not fire,
 * so its rate is conditional on theirs.
 */
function shares(faults: Array<[FaultRule['kind'], number]>): FaultRule[] {
  let left = 1
  return faults.map(([kind, share]) => {
    const rule = { kind, rate: share / left }
    left -= share
    return rule
  })
}
const HEAVY = shares([
  ['throttling', 0.15],
  ['too-many-requests', 0.15],
  ['server-error', 0.05],
  ['unavailable', 0.05]
])

const emulator = useEmulator({ inProcess: true })
const UNPACED = Object.fromEntries(
  ['PutImage', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload'].map((op) => [
    op,
    10_000
  ])
)

describe('under heavy faults', () => {
  test('100 promotions in a row, with 30% of requests throttled and 10% failing, all succeed with every tag right', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/app')
    const prod = emulator.state.createRepository(ACCOUNT, REGION, 'faults/app-prod')
    const images = [0, 1, 2].map(() => buildImage({ files: { 'bin/app': randomBytes(256) } }))
    images.forEach((image, i) => pushImage(app, image, emulator.state.settings, [`build-${i}`]))
    emulator.setFaults({ rules: HEAVY, seed: 2026 })

    for (let i = 0; i < 100; i++) {
      const image = images[i % 3]!
      const crossRepository = i % 4 === 3
      const run = await runAction(
        {
          repository: app.name,
          'source-tag': `build-${i % 3}`,
          tags: `prod, run-${i}`,
          region: REGION,
          ...(crossRepository && { 'target-repository': prod.name })
        },
        {},
        // Faults drawn at random, not from a quota: the limiter's slowing down after each would
        // only make the test slow. Pacing has tests of its own.
        { ...fast, registry: { ...fast.registry, rates: UNPACED } }
      )
      if (run.exitCode !== 0) throw new Error(`promotion ${i} failed:\n${run.stdout}`)
      const target = crossRepository ? prod : app
      expect(target.tags.get('prod')).toBe(image.digest)
      expect(target.tags.get(`run-${i}`)).toBe(image.digest)
    }
    const faults = emulator.log.filter((entry) => entry.fault !== undefined)
    const answered = emulator.log.filter((entry) => entry.operation !== 'BlobDownload')
    // The faults really were that frequent.
    expect(faults.length / answered.length).toBeGreaterThan(0.3)
    expect(new Set(faults.map((entry) => entry.fault))).toEqual(
      new Set(['throttling', 'too-many-requests', 'server-error', 'unavailable'])
    )
  }, 60_000)
})

describe('faults that outlast the retries', () => {
  test('fail the run cleanly, naming the tags done and not done; a rerun converges', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/outlast')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(app, image, emulator.state.settings, ['staging'])
    let down = true
    emulator.onRequest((request) => {
      if (down && request.operation === 'PutImage' && request.body.imageTag === 'b') {
        return { status: 500, body: { __type: 'ServerException', message: 'Internal error' } }
      }
    })
    const inputs = { repository: app.name, 'source-tag': 'staging', tags: 'a,b,c', region: REGION }
    const failed = await runAction(inputs, {}, fast)
    expect(failed.exitCode).toBe(1)
    expect(failed.result?.tags.map((tag) => [tag.tag, tag.status])).toEqual([
      ['a', 'created'],
      ['b', 'failed'],
      ['c', 'created']
    ])
    expect(failed.result?.tags[1]?.message).toContain(
      `ECR had an internal error and kept failing after ${DEFAULT_MAX_ATTEMPTS} attempts`
    )
    expect(failed.stdout).toContain('. A rerun finishes: tags already done are left as they are.')
    expect(
      emulator.log.filter((entry) => entry.operation === 'PutImage' && entry.body?.imageTag === 'b')
    ).toHaveLength(DEFAULT_MAX_ATTEMPTS)
    expect(app.tags.get('b')).toBeUndefined()

    down = false
    emulator.resetLog()
    const rerun = await runAction(inputs, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.result?.tags.map((tag) => tag.status)).toEqual([
      'unchanged',
      'created',
      'unchanged'
    ])
    expect(emulator.counts()).toEqual({
      BatchGetImage: 1,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: 1
    })
  })

  test('downloads that keep failing fail the copy as a passing fault: a rerun finishes it', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/download')
    const prod = emulator.state.createRepository(ACCOUNT, REGION, 'faults/download-prod')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(app, image, emulator.state.settings, ['staging'])
    emulator.setFaults({ rules: [{ kind: 'drop', rate: 1, operations: ['BlobDownload'] }] })
    const inputs = {
      repository: app.name,
      'source-tag': 'staging',
      'target-repository': prod.name,
      tags: 'prod',
      region: REGION
    }
    const failed = await runAction(inputs, {}, fast)
    emulator.setFaults({})
    expect(failed.exitCode).toBe(1)
    expect(failed.result?.status).toBe('failed')
    expect(failed.result?.copy?.error).toContain(`failed after ${DEFAULT_MAX_ATTEMPTS} attempts`)
    expect(failed.stdout).toMatch(/A rerun (finishes|converges)/)
    expect(prod.tags.get('prod')).toBeUndefined()
    const rerun = await runAction(inputs, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(prod.tags.get('prod')).toBe(image.digest)
  })

  test('a gate whose ECR call keeps failing fails the run, not refuses it: a rerun may pass', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/gate')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(app, image, emulator.state.settings, ['staging'])
    emulator.state.setScan(ACCOUNT, REGION, app.name, image.digest, {
      status: 'COMPLETE',
      findings: []
    })
    emulator.setFaults({
      rules: [{ kind: 'server-error', rate: 1, operations: ['DescribeImageScanFindings'] }]
    })
    const inputs = {
      repository: app.name,
      'source-tag': 'staging',
      tags: 'prod',
      region: REGION,
      'vulnerability-threshold': 'high'
    }
    const failed = await runAction(inputs, {}, fast)
    emulator.setFaults({})
    expect(failed.exitCode).toBe(1)
    expect(failed.result?.status).toBe('failed')
    expect(failed.stdout).toContain('::group::Plan: stopped before any write, 1 problem')
    expect(emulator.counts().PutImage).toBeUndefined()
    const rerun = await runAction(inputs, {}, fast)
    expect(rerun.result?.status).toBe('promoted')
  })

  test('a read throttled many times in a row is retried until it passes', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/read-passes')
    pushImage(app, buildImage({ files: { 'bin/app': randomBytes(64) } }), emulator.state.settings, [
      'staging'
    ])
    // More throttled answers than the attempts any other fault gets: throttling is not a failure.
    emulator.setFaults({
      rules: [
        { kind: 'throttling', count: 2 * DEFAULT_MAX_ATTEMPTS, operations: ['BatchGetImage'] }
      ]
    })
    const run = await runAction(
      { repository: app.name, 'source-tag': 'staging', tags: 'prod', region: REGION },
      {},
      fast
    )
    expect(run.exitCode).toBe(0)
    expect(emulator.counts()).toEqual({
      BatchGetImage: 2 * DEFAULT_MAX_ATTEMPTS + 1,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: 1
    })
  })

  test('a read that stays throttled past the patience fails before any write', async () => {
    const app = emulator.state.createRepository(ACCOUNT, REGION, 'faults/read')
    pushImage(app, buildImage({ files: { 'bin/app': randomBytes(64) } }), emulator.state.settings, [
      'staging'
    ])
    emulator.setFaults({ rules: [{ kind: 'throttling', rate: 1, operations: ['BatchGetImage'] }] })
    const run = await runAction(
      { repository: app.name, 'source-tag': 'staging', tags: 'prod', region: REGION },
      {},
      { ...fast, registry: { ...fast.registry, throttlePatienceMs: 300 } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /::error title=Not resolved::Cannot read repository faults\/read \(your account's registry, us-east-1\): ThrottlingException \(HTTP 400\) after \d+ attempts\./
    )
    expect(emulator.counts().PutImage).toBeUndefined()
  })
})
