// ECR's default rate quotas as an opt-in model: token buckets per account, region and operation,
// a burst of one second's worth by default, and ECR's own throttling answer past the rate.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutImageCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import {
  CreateRepositoryCommand as CreatePublicRepositoryCommand,
  ECRPUBLICClient,
  PutImageCommand as PutPublicImageCommand
} from '@aws-sdk/client-ecr-public'
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, ECR_DEFAULT_QUOTAS, ECR_PUBLIC_DEFAULT_QUOTAS, pushImage } from '../index.js'
import { Quotas } from '../quotas.js'
import { ACCOUNT, REGION, client, useEmulator } from './helpers.js'

const context = useEmulator({ quotas: 'ecr-defaults' })
const image = buildImage({ files: { app: randomBytes(32) } })
let ecr: ECRClient
let tags = 0

beforeAll(async () => {
  ecr = client(context.emulator)
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'quotas/app' }))
  pushImage(
    context.emulator.state.repository(ACCOUNT, REGION, 'quotas/app'),
    image,
    context.emulator.state.settings
  )
})
beforeEach(() => {
  context.emulator.setQuotas('ecr-defaults')
  context.emulator.setFaults({})
  context.emulator.resetLog()
})

/** A PutImage of a new tag: 'ok', or the error's name. */
const putTag = (on = ecr): Promise<string> =>
  on
    .send(
      new PutImageCommand({
        repositoryName: 'quotas/app',
        imageManifest: image.manifest,
        imageTag: `t${++tags}`
      })
    )
    .then(
      () => 'ok',
      (error: Error) => error.name
    )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ECR default quotas', () => {
  test('are the documented rates, ECR Public’s keyed as ecr-public:<Op>', () => {
    expect(ECR_DEFAULT_QUOTAS).toMatchObject({
      PutImage: 10,
      BatchGetImage: 2000,
      BatchCheckLayerAvailability: 1000,
      GetDownloadUrlForLayer: 3000,
      InitiateLayerUpload: 100,
      UploadLayerPart: 500,
      CompleteLayerUpload: 100
    })
    expect(ECR_DEFAULT_QUOTAS.DescribeImageScanFindings).toBeUndefined()
    expect(ECR_PUBLIC_DEFAULT_QUOTAS).toMatchObject({
      'ecr-public:PutImage': 10,
      'ecr-public:UploadLayerPart': 260,
      'ecr-public:BatchCheckLayerAvailability': 200
    })
  })

  test('at PutImage 10/s, a burst of 30 concurrent calls sees about 20 throttled, as ECR answers', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, () => putTag()))
    const throttled = burst.filter((outcome) => outcome === 'ThrottlingException').length
    expect(burst.filter((outcome) => outcome === 'ok').length + throttled).toBe(30)
    expect(throttled).toBeGreaterThanOrEqual(18)
    expect(throttled).toBeLessThanOrEqual(20)
    expect(context.emulator.throttled()).toEqual({ PutImage: throttled })
    const answer = context.emulator.log.find((entry) => entry.errorType === 'ThrottlingException')
    expect(answer).toMatchObject({ status: 400, operation: 'PutImage' })
    expect(answer?.fault).toBeUndefined()
  })

  test('calls spaced at 10/s are never throttled, well past one bucketful', async () => {
    const outcomes: string[] = []
    for (let i = 0; i < 15; i++) {
      outcomes.push(await putTag())
      await sleep(100)
    }
    expect(outcomes).toEqual(Array(15).fill('ok'))
    expect(context.emulator.throttled()).toEqual({})
  }, 10_000)

  test('throttle with HTTP 400 ThrottlingException "Rate exceeded", per account and region', async () => {
    context.emulator.setQuotas({ rates: { PutImage: 10 }, burst: { PutImage: 1 } })
    expect(await putTag()).toBe('ok')
    const error = await ecr
      .send(new PutImageCommand({ repositoryName: 'quotas/app', imageManifest: image.manifest }))
      .catch((caught: Error & { $metadata: { httpStatusCode?: number } }) => caught)
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 }
    })
    // Another region's bucket is its own (its repository is missing: the quota passed it).
    expect(await putTag(client(context.emulator, { region: 'eu-west-1' }))).toBe(
      'RepositoryNotFoundException'
    )
    // Operations without a quota are never throttled.
    await Promise.all(
      Array.from({ length: 20 }, () => ecr.send(new DescribeRepositoriesCommand({})))
    )
  })

  test('ECR Public has its own table', async () => {
    context.emulator.state.createPublicRegistry(ACCOUNT, 'quotas')
    const ecrPublic = new ECRPUBLICClient({
      region: 'us-east-1',
      endpoint: context.emulator.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1
    })
    await ecrPublic.send(new CreatePublicRepositoryCommand({ repositoryName: 'public/app' }))
    const repository = context.emulator.state.repository(ACCOUNT, 'public', 'public/app')
    pushImage(repository, image, context.emulator.state.settings)
    const outcomes = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        ecrPublic
          .send(
            new PutPublicImageCommand({
              repositoryName: 'public/app',
              imageManifest: image.manifest,
              imageTag: `p${i}`
            })
          )
          .then(
            () => 'ok',
            (error: Error) => error.name
          )
      )
    )
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(10)
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeLessThanOrEqual(11)
    expect(Object.keys(context.emulator.throttled())).toEqual(['ecr-public:PutImage'])
  })

  test('throttled() counts injected throttling too; those carry their fault', async () => {
    context.emulator.setFaults({ rules: [{ kind: 'too-many-requests', count: 2 }] })
    await ecr.send(new DescribeRepositoriesCommand({})).catch(() => undefined)
    await ecr.send(new DescribeRepositoriesCommand({})).catch(() => undefined)
    expect(context.emulator.throttled()).toEqual({ DescribeRepositories: 2 })
    expect(context.emulator.log.map((entry) => entry.fault)).toEqual([
      'too-many-requests',
      'too-many-requests'
    ])
  })
})

describe('the burst', () => {
  test('is one second’s worth by default, configurable in seconds or in requests', async () => {
    context.emulator.setQuotas({ rates: { PutImage: 10 }, burstSeconds: 0.5 })
    const half = await Promise.all(Array.from({ length: 12 }, () => putTag()))
    expect(half.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(5)
    expect(half.filter((outcome) => outcome === 'ok').length).toBeLessThanOrEqual(6)
    context.emulator.setQuotas({ rates: { PutImage: 10 }, burst: { PutImage: 25 } })
    const wide = await Promise.all(Array.from({ length: 30 }, () => putTag()))
    expect(wide.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(25)
    expect(wide.filter((outcome) => outcome === 'ok').length).toBeLessThanOrEqual(26)
  })

  test('fills at the rate, up to its size, from full (exact times)', () => {
    const quotas = new Quotas()
    quotas.configure({ rates: { PutImage: 10 }, burstSeconds: 2 })
    expect(quotas.capacity('PutImage')).toBe(20)
    const take = (at: number) => quotas.take(ACCOUNT, REGION, 'PutImage', at)
    const passed = (at: number, count: number) =>
      Array.from({ length: count }, () => take(at)).filter(Boolean).length
    expect(passed(0, 25)).toBe(20)
    expect(passed(100, 5)).toBe(1)
    expect(passed(10_000, 30)).toBe(20)
    // A rate under 1/s still lets one request through.
    quotas.configure({ rates: { PutImage: 0.5 } })
    expect(quotas.capacity('PutImage')).toBe(1)
    expect(() => quotas.configure('ecr-someday' as 'ecr-defaults')).toThrow(/unknown quota preset/)
    expect(() => quotas.configure({ rates: { PutImage: -1 } })).toThrow(/positive/)
  })
})
