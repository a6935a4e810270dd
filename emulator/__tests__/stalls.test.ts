// The stall fault (a request accepted and never answered) on the API, blob downloads and ECR
// Public's registry endpoint; the Nth-request rule; and close() ending held sockets promptly.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetDownloadUrlForLayerCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage, startEmulator, type Emulator } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, useEmulator } from './helpers.js'

const context = useEmulator()
let ecr: ECRClient
/** Gives up on an answer after 200 ms, as a client with a request timeout does. */
let impatient: ECRClient

beforeAll(async () => {
  ecr = client(context.emulator)
  impatient = client(context.emulator, {
    requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true })
  })
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'stalls/app' }))
})
beforeEach(() => {
  context.emulator.setFaults({})
  context.emulator.resetLog()
})

const describeAll = (on = ecr) => on.send(new DescribeRepositoriesCommand({}))

/** Resolves once the emulator has logged `count` stalls. */
function stalls(emulator: Emulator, count = 1): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (emulator.log.filter((entry) => entry.fault === 'stall').length >= count) resolve()
      else setTimeout(check, 5)
    }
    check()
  })
}

describe('stall', () => {
  test('an API request is accepted and never answered: the client times out', async () => {
    context.emulator.setFaults({
      rules: [{ kind: 'stall', count: 1, operations: ['DescribeRepositories'] }]
    })
    const started = performance.now()
    const error = await ecrError(() => describeAll(impatient))
    expect(error.name).toBe('TimeoutError')
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
    await expect(describeAll()).resolves.toBeDefined()
    expect(
      context.emulator.log.map((entry) => [entry.operation, entry.status, entry.fault])
    ).toEqual([
      ['DescribeRepositories', 0, 'stall'],
      ['DescribeRepositories', 200, undefined]
    ])
  })

  test('a blob download sends no byte, not even headers', async () => {
    const repository = context.emulator.state.repository(ACCOUNT, REGION, 'stalls/app')
    const image = buildImage({ files: { app: randomBytes(32) } })
    pushImage(repository, image, context.emulator.state.settings, ['v1'])
    const { downloadUrl } = await ecr.send(
      new GetDownloadUrlForLayerCommand({
        repositoryName: 'stalls/app',
        layerDigest: image.blobs[1]!.digest
      })
    )
    context.emulator.setFaults({
      rules: [{ kind: 'stall', count: 1, operations: ['BlobDownload'] }]
    })
    await expect(fetch(downloadUrl!, { signal: AbortSignal.timeout(150) })).rejects.toThrow(
      /aborted due to timeout/
    )
    const whole = Buffer.from(await (await fetch(downloadUrl!)).arrayBuffer())
    expect(whole.equals(image.blobs[1]!.bytes)).toBe(true)
    expect(context.emulator.log.map((entry) => [entry.status, entry.fault])).toEqual([
      [200, undefined],
      [0, 'stall'],
      [200, undefined]
    ])
  })

  test('ECR Public’s registry endpoint stalls too', async () => {
    context.emulator.setFaults({
      rules: [{ kind: 'stall', count: 1, operations: ['registry:GetToken'] }]
    })
    const token = `${context.emulator.url}/token/?scope=repository:acme/app:pull`
    await expect(fetch(token, { signal: AbortSignal.timeout(150) })).rejects.toThrow()
    expect((await fetch(token)).status).toBe(200)
    expect(context.emulator.counts()).toEqual({ 'registry:GetToken': 2 })
  })

  test('close() ends stalled requests at once, in every part of the emulator', async () => {
    const emulator = await startEmulator()
    emulator.setFaults({ rules: [{ kind: 'stall', rate: 1 }] })
    const held = [
      describeAll(client(emulator)).then(
        () => 'answered',
        (error: Error) => error.name
      ),
      fetch(`${emulator.url}/token/?scope=repository:a/b:pull`).then(
        () => 'answered',
        () => 'dropped'
      )
    ]
    await stalls(emulator, 2)
    const started = performance.now()
    await emulator.close()
    expect(performance.now() - started).toBeLessThan(200)
    const outcomes = await Promise.all(held)
    expect(outcomes).not.toContain('answered')
  })
})

describe('the Nth request', () => {
  test('only the Nth matching request gets the fault; others pass, other operations do not count', async () => {
    context.emulator.setFaults({
      rules: [{ kind: 'server-error', nth: 3, operations: ['DescribeRepositories'] }]
    })
    const outcomes: string[] = []
    for (let i = 0; i < 5; i++) {
      await ecrError(() =>
        ecr.send(
          new GetDownloadUrlForLayerCommand({
            repositoryName: 'stalls/app',
            layerDigest: `sha256:${'0'.repeat(64)}`
          })
        )
      )
      outcomes.push(
        await describeAll().then(
          () => 'ok',
          (error: Error) => error.name
        )
      )
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ServerException', 'ok', 'ok'])
  })

  test('with count, a run of faults from the Nth on; a request another rule answers still counts', async () => {
    context.emulator.setFaults({
      rules: [
        { kind: 'throttling', nth: 1, operations: ['DescribeRepositories'] },
        { kind: 'unavailable', nth: 2, count: 2, operations: ['DescribeRepositories'] }
      ]
    })
    const outcomes: string[] = []
    for (let i = 0; i < 5; i++)
      outcomes.push(
        await describeAll().then(
          () => 'ok',
          (error: Error) => error.name
        )
      )
    expect(outcomes).toEqual([
      'ThrottlingException',
      'ServiceUnavailable',
      'ServiceUnavailable',
      'ok',
      'ok'
    ])
    expect(() => context.emulator.setFaults({ rules: [{ kind: 'drop', nth: 0 }] })).toThrow(
      /nth must be a whole number/
    )
  })
})
