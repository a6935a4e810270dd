// drop-after on every write: the request is applied, the connection is cut, and the SDK's retry
// meets what ECR answers a replayed write with.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type ECRClient,
  type InvalidLayerPartException
} from '@aws-sdk/client-ecr'
import {
  CreateRepositoryCommand as CreatePublicRepositoryCommand,
  ECRPUBLICClient,
  PutImageCommand as PutPublicImageCommand
} from '@aws-sdk/client-ecr-public'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, sha256, useEmulator } from './helpers.js'

const context = useEmulator({ partSize: 2048, minPartSize: 1000 })
/** Two attempts, no backoff: the retry a dropped connection gets, without the wait. */
const retrying = new ConfiguredRetryStrategy(2, () => 0)
let ecr: ECRClient
let counter = 0

beforeAll(() => {
  ecr = client(context.emulator, { retryStrategy: retrying })
})
beforeEach(() => {
  context.emulator.setFaults({})
  context.emulator.resetLog()
})

const dropAfter = (operation: string): void =>
  context.emulator.setFaults({ rules: [{ kind: 'drop-after', count: 1, operations: [operation] }] })

async function repository(): Promise<string> {
  const name = `drops/repo${++counter}`
  await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
  return name
}

const part = (repositoryName: string, uploadId: string, first: number, bytes: Buffer) =>
  ecr.send(
    new UploadLayerPartCommand({
      repositoryName,
      uploadId,
      partFirstByte: first,
      partLastByte: first + bytes.length - 1,
      layerPartBlob: bytes
    })
  )

describe('drop-after', () => {
  test('UploadLayerPart: the part lands; its retry is a replay, answered with the last valid byte', async () => {
    const name = await repository()
    const bytes = randomBytes(3000)
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }))
    await part(name, uploadId!, 0, bytes.subarray(0, 2000))
    context.emulator.resetLog()
    dropAfter('UploadLayerPart')
    const replay = (await ecrError(() =>
      part(name, uploadId!, 2000, bytes.subarray(2000))
    )) as unknown as InvalidLayerPartException
    expect(replay.name).toBe('InvalidLayerPartException')
    expect(replay.$metadata.attempts).toBe(2)
    expect(replay).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      uploadId,
      lastValidByteReceived: 2999
    })
    expect(
      context.emulator.log.map((entry) => [entry.status, entry.fault, entry.errorType])
    ).toEqual([
      [0, 'drop-after', undefined],
      [400, undefined, 'InvalidLayerPartException']
    ])
    // The client can trust lastValidByteReceived: everything up to it arrived, so it completes.
    const done = await ecr.send(
      new CompleteLayerUploadCommand({
        repositoryName: name,
        uploadId,
        layerDigests: [sha256(bytes)]
      })
    )
    expect(done.layerDigest).toBe(sha256(bytes))
  })

  test('CompleteLayerUpload: the blob is there; the retry finds the upload gone', async () => {
    const name = await repository()
    const bytes = randomBytes(1500)
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }))
    await part(name, uploadId!, 0, bytes)
    dropAfter('CompleteLayerUpload')
    const retry = await ecrError(() =>
      ecr.send(
        new CompleteLayerUploadCommand({
          repositoryName: name,
          uploadId,
          layerDigests: [sha256(bytes)]
        })
      )
    )
    expect(retry.name).toBe('UploadNotFoundException')
    expect(retry.message).toBe(
      `The upload with id '${uploadId}' does not exist in the repository with name '${name}' in the registry with id '${ACCOUNT}'`
    )
    const { layers } = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: name,
        layerDigests: [sha256(bytes)]
      })
    )
    expect(layers).toEqual([
      { layerDigest: sha256(bytes), layerAvailability: 'AVAILABLE', layerSize: 1500 }
    ])
  })

  test('InitiateLayerUpload, PutImage and BatchDeleteImage: applied once, unheard, then replayed', async () => {
    const name = await repository()
    const repo = context.emulator.state.repository(ACCOUNT, REGION, name)
    dropAfter('InitiateLayerUpload')
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }))
    // The lost answer named an upload too: two are open, and either takes parts.
    expect(repo.uploads.size).toBe(2)
    expect(repo.uploads.has(uploadId!)).toBe(true)

    const image = buildImage({ files: { app: randomBytes(32) } })
    pushImage(repo, image, context.emulator.state.settings)
    dropAfter('PutImage')
    const put = await ecrError(() =>
      ecr.send(
        new PutImageCommand({ repositoryName: name, imageManifest: image.manifest, imageTag: 'v1' })
      )
    )
    expect(put.name).toBe('ImageAlreadyExistsException')
    expect(repo.tags.get('v1')).toBe(image.digest)

    dropAfter('BatchDeleteImage')
    const deleted = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'v1' }] })
    )
    expect(deleted.imageIds).toEqual([])
    expect(deleted.failures).toEqual([expect.objectContaining({ failureCode: 'ImageNotFound' })])
    expect(repo.images.has(image.digest)).toBe(false)
  })

  test('a write that fails is still cut off unheard; the log keeps the error it would have answered', async () => {
    const name = await repository()
    context.emulator.resetLog()
    dropAfter('CompleteLayerUpload')
    const error = await ecrError(() =>
      client(context.emulator).send(
        new CompleteLayerUploadCommand({
          repositoryName: name,
          uploadId: 'nope',
          layerDigests: [sha256('x')]
        })
      )
    )
    expect(error.name).not.toBe('UploadNotFoundException')
    expect(context.emulator.log[0]).toMatchObject({
      status: 0,
      fault: 'drop-after',
      errorType: 'UploadNotFoundException'
    })
  })

  test('ECR Public’s writes too', async () => {
    context.emulator.state.createPublicRegistry(ACCOUNT, 'drops')
    const ecrPublic = new ECRPUBLICClient({
      region: 'us-east-1',
      endpoint: context.emulator.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      retryStrategy: retrying
    })
    const name = `public/drops${++counter}`
    await ecrPublic.send(new CreatePublicRepositoryCommand({ repositoryName: name }))
    const repo = context.emulator.state.repository(ACCOUNT, 'public', name)
    const image = buildImage({ files: { app: randomBytes(32) } })
    pushImage(repo, image, context.emulator.state.settings)
    dropAfter('ecr-public:PutImage')
    const put = await ecrError(() =>
      ecrPublic.send(
        new PutPublicImageCommand({
          repositoryName: name,
          imageManifest: image.manifest,
          imageTag: 'v1'
        })
      )
    )
    expect(put.name).toBe('ImageAlreadyExistsException')
    expect(repo.tags.get('v1')).toBe(image.digest)
    expect(context.emulator.log.map((entry) => entry.fault)).toEqual([
      undefined,
      'drop-after',
      undefined
    ])
  })
})
