// The layer API: uploads in ordered parts hashed as they arrive, completion checks, availability,
// presigned-style downloads with Range.
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  UploadLayerPartCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, sha256, useEmulator } from './helpers.js'

const MINIMUM = 1000
const context = useEmulator({ partSize: 2048, minPartSize: MINIMUM })
let ecr: ECRClient
let counter = 0
beforeAll(() => {
  ecr = client(context.emulator)
})

async function repository(): Promise<string> {
  const name = `layers/repo${++counter}`
  await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
  return name
}

async function upload(name: string, parts: Buffer[], digest: string) {
  const { uploadId, partSize } = await ecr.send(
    new InitiateLayerUploadCommand({ repositoryName: name })
  )
  let first = 0
  for (const part of parts) {
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName: name,
        uploadId,
        partFirstByte: first,
        partLastByte: first + part.length - 1,
        layerPartBlob: part
      })
    )
    first += part.length
  }
  const done = await ecr.send(
    new CompleteLayerUploadCommand({ repositoryName: name, uploadId, layerDigests: [digest] })
  )
  return { uploadId, partSize, done }
}

describe('layer uploads', () => {
  test('accept ordered parts, hash them, and make the blob available', async () => {
    const name = await repository()
    const bytes = randomBytes(2500)
    const { partSize, done } = await upload(
      name,
      [bytes.subarray(0, 1200), bytes.subarray(1200)],
      sha256(bytes)
    )
    expect(partSize).toBe(2048)
    expect(done).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      layerDigest: sha256(bytes)
    })
    const availability = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: name,
        layerDigests: [sha256(bytes), sha256('absent'), 'nope']
      })
    )
    expect(availability.layers).toEqual([
      { layerDigest: sha256(bytes), layerAvailability: 'AVAILABLE', layerSize: 2500 }
    ])
    expect(availability.failures).toEqual([
      {
        layerDigest: sha256('absent'),
        failureCode: 'MissingLayerDigest',
        failureReason: 'Could not find layer'
      },
      {
        layerDigest: 'nope',
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest'
      }
    ])
  })

  test('refuse a part out of order, an unknown upload, and a small part followed by another', async () => {
    const name = await repository()
    const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }))
    const gap = await ecrError(() =>
      ecr.send(
        new UploadLayerPartCommand({
          repositoryName: name,
          uploadId,
          partFirstByte: 10,
          partLastByte: 19,
          layerPartBlob: randomBytes(10)
        })
      )
    )
    expect(gap.name).toBe('InvalidLayerPartException')
    const mismatched = await ecrError(() =>
      ecr.send(
        new UploadLayerPartCommand({
          repositoryName: name,
          uploadId,
          partFirstByte: 0,
          partLastByte: 99,
          layerPartBlob: randomBytes(10)
        })
      )
    )
    expect(mismatched.name).toBe('InvalidLayerPartException')
    const unknown = await ecrError(() =>
      ecr.send(
        new UploadLayerPartCommand({
          repositoryName: name,
          uploadId: 'nope',
          partFirstByte: 0,
          partLastByte: 9,
          layerPartBlob: randomBytes(10)
        })
      )
    )
    expect(unknown.name).toBe('UploadNotFoundException')
    await ecr.send(
      new UploadLayerPartCommand({
        repositoryName: name,
        uploadId,
        partFirstByte: 0,
        partLastByte: 9,
        layerPartBlob: randomBytes(10)
      })
    )
    const small = await ecrError(() =>
      ecr.send(
        new UploadLayerPartCommand({
          repositoryName: name,
          uploadId,
          partFirstByte: 10,
          partLastByte: 19,
          layerPartBlob: randomBytes(10)
        })
      )
    )
    expect(small.name).toBe('LayerPartTooSmallException')
    expect(small.message).toBe(
      `Layer part size must be at least ${MINIMUM} bytes, except for the last part`
    )
  })

  test('complete only with the digest of what arrived, once per blob, and not empty', async () => {
    const name = await repository()
    const bytes = randomBytes(100)
    const wrong = await ecrError(() => upload(name, [bytes], sha256('something else')))
    expect(wrong.name).toBe('InvalidLayerException')
    await upload(name, [bytes], sha256(bytes))
    const again = await ecrError(() => upload(name, [bytes], sha256(bytes)))
    expect(again.name).toBe('LayerAlreadyExistsException')
    const empty = await ecrError(() => upload(name, [], sha256('')))
    expect(empty.name).toBe('EmptyUploadException')
  })
})

describe('downloads', () => {
  test('serve the exact bytes of a blob an image refers to, whole or by Range', async () => {
    const name = await repository()
    const image = buildImage({
      files: { 'bin/app': randomBytes(64) },
      rawLayers: [randomBytes(5000)]
    })
    pushImage(
      context.emulator.state.repository(ACCOUNT, REGION, name),
      image,
      context.emulator.state.settings,
      ['v1']
    )
    const layer = image.blobs[2]!
    const { downloadUrl, layerDigest } = await ecr.send(
      new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: layer.digest })
    )
    expect(layerDigest).toBe(layer.digest)
    expect(downloadUrl).toMatch(new RegExp(`^${context.emulator.url}/blobs/[0-9a-f-]{36}$`))
    const whole = await fetch(downloadUrl!)
    expect(whole.status).toBe(200)
    expect(Buffer.from(await whole.arrayBuffer()).equals(layer.bytes)).toBe(true)
    const ranged = await fetch(downloadUrl!, { headers: { range: 'bytes=1000-' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-4999/5000`)
    expect(Buffer.from(await ranged.arrayBuffer()).equals(layer.bytes.subarray(1000))).toBe(true)
    expect((await fetch(`${context.emulator.url}/blobs/forged`)).status).toBe(403)
    expect(
      context.emulator.log
        .filter((entry) => entry.operation === 'BlobDownload')
        .map((entry) => entry.status)
    ).toEqual([200, 206, 403])
  })

  test('are refused for a blob no image refers to, or that is not there', async () => {
    const name = await repository()
    const bytes = randomBytes(100)
    await upload(name, [bytes], sha256(bytes))
    const orphan = await ecrError(() =>
      ecr.send(
        new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: sha256(bytes) })
      )
    )
    expect(orphan.name).toBe('LayerInaccessibleException')
    const absent = await ecrError(() =>
      ecr.send(
        new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: sha256('absent') })
      )
    )
    expect(absent.name).toBe('LayersNotFoundException')
  })
})
