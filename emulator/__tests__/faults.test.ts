// Fault and latency injection, quotas, hooks and the request log: what tests and benchmarks rely on.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetDownloadUrlForLayerCommand,
  PutImageCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, useEmulator } from './helpers.js'

const context = useEmulator()
let ecr: ECRClient
const describeAll = () => ecr.send(new DescribeRepositoriesCommand({}))

beforeAll(async () => {
  ecr = client(context.emulator)
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'faults/app' }))
})
beforeEach(() => {
  context.emulator.setFaults({})
  context.emulator.setLatency(0)
  context.emulator.setQuotas({})
  context.emulator.onRequest(undefined)
  context.emulator.onResponse(undefined)
  context.emulator.resetLog()
})

describe('injected faults', () => {
  test.each([
    ['throttling', 'ThrottlingException', 400, 'Rate exceeded'],
    ['too-many-requests', 'ThrottlingException', 429, 'Rate exceeded'],
    [
      'limit-exceeded',
      'LimitExceededException',
      400,
      'The operation did not succeed because it would have exceeded a service limit for your account.'
    ],
    ['server-error', 'ServerException', 500, 'Internal server error'],
    ['unavailable', 'ServiceUnavailable', 503, 'Service Unavailable']
  ] as const)('%s answers %s with HTTP %i', async (kind, type, status, message) => {
    context.emulator.setFaults({ rules: [{ kind, count: 1 }] })
    const error = await ecrError(describeAll)
    expect(error.name).toBe(type)
    expect(error.$metadata.httpStatusCode).toBe(status)
    expect(error.message).toBe(message)
    await expect(describeAll()).resolves.toBeDefined()
    expect(context.emulator.log.map((entry) => [entry.status, entry.fault])).toEqual([
      [status, kind],
      [200, undefined]
    ])
  })

  test('a drop before applying loses the write; a drop after applying keeps it', async () => {
    const repository = context.emulator.state.repository(ACCOUNT, REGION, 'faults/app')
    const image = buildImage({ files: { app: randomBytes(32) } })
    pushImage(repository, image, context.emulator.state.settings)
    context.emulator.setFaults({ rules: [{ kind: 'drop', count: 1, operations: ['PutImage'] }] })
    const before = await ecrError(() =>
      ecr.send(
        new PutImageCommand({
          repositoryName: 'faults/app',
          imageManifest: image.manifest,
          imageTag: 'lost'
        })
      )
    )
    expect(before.name).not.toBe('ImageAlreadyExistsException')
    expect(repository.tags.has('lost')).toBe(false)
    context.emulator.setFaults({
      rules: [{ kind: 'drop-after', count: 1, operations: ['PutImage'] }]
    })
    await ecrError(() =>
      ecr.send(
        new PutImageCommand({
          repositoryName: 'faults/app',
          imageManifest: image.manifest,
          imageTag: 'kept'
        })
      )
    )
    expect(repository.tags.get('kept')).toBe(image.digest)
    expect(context.emulator.log.map((entry) => [entry.status, entry.fault])).toEqual([
      [0, 'drop'],
      [0, 'drop-after']
    ])
  })

  test('a burst hits only the operations named, and the SDK rides it out within its attempts', async () => {
    context.emulator.setFaults({
      rules: [{ kind: 'throttling', count: 2, operations: ['DescribeRepositories'] }]
    })
    const patient = client(context.emulator, { maxAttempts: 3, retryStrategy: undefined })
    const answer = await patient.send(new DescribeRepositoriesCommand({}))
    expect(answer.$metadata.attempts).toBe(3)
    await expect(
      ecr.send(
        new GetDownloadUrlForLayerCommand({
          repositoryName: 'faults/app',
          layerDigest: `sha256:${'0'.repeat(64)}`
        })
      )
    ).rejects.toMatchObject({
      name: 'LayersNotFoundException'
    })
  }, 15_000)

  test('a share of requests, from a seed: the same seed gives the same faults', async () => {
    const sequence = async (seed: number): Promise<boolean[]> => {
      context.emulator.setFaults({ rules: [{ kind: 'server-error', rate: 0.5 }], seed })
      const outcomes: boolean[] = []
      for (let i = 0; i < 40; i++)
        outcomes.push(
          await describeAll().then(
            () => true,
            () => false
          )
        )
      return outcomes
    }
    const first = await sequence(7)
    expect(await sequence(7)).toEqual(first)
    expect(await sequence(8)).not.toEqual(first)
    const failures = first.filter((ok) => !ok).length
    expect(failures).toBeGreaterThan(8)
    expect(failures).toBeLessThan(32)
  })
})

describe('latency and quotas', () => {
  test('latency applies to each request concurrently, never one after another', async () => {
    context.emulator.setLatency(100)
    const started = performance.now()
    await Promise.all(Array.from({ length: 10 }, describeAll))
    const elapsed = performance.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(95)
    expect(elapsed).toBeLessThan(600)
  })

  test('a quota throttles requests past the rate, per operation', async () => {
    context.emulator.setQuotas({ DescribeRepositories: 3 })
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        describeAll().then(
          () => 'ok',
          (error: Error) => error.name
        )
      )
    )
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(3)
    expect(outcomes.filter((outcome) => outcome === 'ThrottlingException')).toHaveLength(3)
    await expect(
      ecr.send(
        new GetDownloadUrlForLayerCommand({
          repositoryName: 'faults/app',
          layerDigest: `sha256:${'1'.repeat(64)}`
        })
      )
    ).rejects.toMatchObject({
      name: 'LayersNotFoundException'
    })
  })
})

describe('hooks and the request log', () => {
  test('onRequest can answer instead of the emulator, drop the connection, or run code first', async () => {
    context.emulator.onRequest((request) =>
      request.operation === 'DescribeRepositories'
        ? { status: 400, body: { __type: 'AccessDeniedException', message: 'no' } }
        : undefined
    )
    expect((await ecrError(describeAll)).name).toBe('AccessDeniedException')
    context.emulator.onRequest(() => ({ drop: true }))
    expect((await ecrError(describeAll)).name).not.toBe('AccessDeniedException')
    let seen = ''
    context.emulator.onRequest(async (request) => {
      seen = `${request.operation} ${request.account} ${request.region}`
    })
    await describeAll()
    expect(seen).toBe(`DescribeRepositories ${ACCOUNT} ${REGION}`)
  })

  test('onResponse hears every answered request', async () => {
    const heard: string[] = []
    context.emulator.onResponse((entry) => heard.push(`${entry.operation} ${entry.status}`))
    await describeAll()
    await ecrError(() => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })))
    expect(heard).toEqual(['DescribeRepositories 200', 'DescribeRepositories 400'])
  })

  test('records operation, registry, region, repository, body, status, error type and timing; counts by operation', async () => {
    await describeAll()
    await ecrError(() => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })))
    await ecrError(() =>
      ecr.send(
        new PutImageCommand({ repositoryName: 'faults/app', imageManifest: '{}', imageTag: 'x' })
      )
    )
    const [first, second, third] = context.emulator.log
    expect(first).toMatchObject({
      operation: 'DescribeRepositories',
      registryId: ACCOUNT,
      region: REGION,
      status: 200,
      body: {}
    })
    expect(second).toMatchObject({
      status: 400,
      errorType: 'RepositoryNotFoundException',
      body: { repositoryNames: ['nope'] }
    })
    expect(third).toMatchObject({
      operation: 'PutImage',
      repositoryName: 'faults/app',
      errorType: 'InvalidParameterException'
    })
    for (const entry of context.emulator.log) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0)
      expect(entry.startedAt).toBeGreaterThan(0)
    }
    expect(context.emulator.counts()).toEqual({ DescribeRepositories: 2, PutImage: 1 })
    context.emulator.resetLog()
    expect(context.emulator.counts()).toEqual({})
  })

  test('a blob download can be cut short, and the log counts downloads', async () => {
    const repository = context.emulator.state.repository(ACCOUNT, REGION, 'faults/app')
    const image = buildImage({ files: { app: randomBytes(32) }, rawLayers: [randomBytes(100_000)] })
    pushImage(repository, image, context.emulator.state.settings, ['v1'])
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({
        repositoryName: 'faults/app',
        layerDigest: image.blobs[2]!.digest
      })
    )
    context.emulator.setFaults({
      rules: [{ kind: 'drop', count: 1, operations: ['BlobDownload'] }]
    })
    await expect(fetch(downloadUrl!).then((response) => response.arrayBuffer())).rejects.toThrow()
    const whole = Buffer.from(await (await fetch(downloadUrl!)).arrayBuffer())
    expect(whole.equals(image.blobs[2]!.bytes)).toBe(true)
    expect(context.emulator.counts().BlobDownload).toBe(2)
  })
})
