// The calls ECR and ECR Public share request for request: PutImage and the layer upload calls. Each
// client module hands in its own SDK command classes and its send, so only those modules import the
// SDK, and both services get the same requests, checks and answers.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import type { Registry } from './api.js'
import { EcrError } from './errors.js'
import type { Transport } from './transport.js'

type CommandClass<Input> = new (input: Input) => object

export interface InRepository {
  registryId?: string
  repositoryName: string
}

export interface WriteCommands {
  PutImage: CommandClass<
    InRepository & {
      imageManifest: string
      imageManifestMediaType: string
      imageDigest: string
      imageTag?: string
    }
  >
  BatchCheckLayerAvailability: CommandClass<InRepository & { layerDigests: string[] }>
  InitiateLayerUpload: CommandClass<InRepository>
  UploadLayerPart: CommandClass<
    InRepository & {
      uploadId: string
      partFirstByte: number
      partLastByte: number
      layerPartBlob: Uint8Array
    }
  >
  CompleteLayerUpload: CommandClass<InRepository & { uploadId: string; layerDigests: string[] }>
}

type Metadata = { $metadata: { requestId?: string } }

export type SharedWrites = Pick<
  Registry,
  'putImage' | 'checkBlobs' | 'startUpload' | 'uploadPart' | 'completeUpload'
>

/** ECR's limit on ids per batch call (BatchGetImage, BatchCheckLayerAvailability). */
export const BATCH_LIMIT = 100

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/** `registryId` only when one is named: unset means the caller's default registry. */
export function inRepository(repository: RepositoryRef): InRepository {
  return {
    ...(repository.registryId && { registryId: repository.registryId }),
    repositoryName: repository.name
  }
}

export function sharedWrites(
  service: string,
  transport: Transport,
  send: (repository: RepositoryRef, command: object) => Promise<Metadata>,
  commands: WriteCommands
): SharedWrites {
  const where = describeRepository
  const call = transport.call.bind(transport)
  const sent = <T>(repository: RepositoryRef, command: object) =>
    send(repository, command) as Promise<T & Metadata>

  return {
    async putImage(repository, request) {
      const output = await call(
        `PutImage ${where(repository)} ${request.tag !== undefined ? `tag ${request.tag}` : `by digest ${request.digest}`}`,
        () =>
          sent<{ image?: { imageId?: { imageDigest?: string } } }>(
            repository,
            new commands.PutImage({
              ...inRepository(repository),
              imageManifest: request.manifest,
              imageManifestMediaType: request.mediaType,
              imageDigest: request.digest,
              ...(request.tag !== undefined && { imageTag: request.tag })
            })
          )
      )
      return output.image?.imageId?.imageDigest ?? ''
    },

    async checkBlobs(repository, digests) {
      const sizes = new Map<string, number>()
      await Promise.all(
        chunk(digests, BATCH_LIMIT).map(async (batch) => {
          const output = await call(
            `BatchCheckLayerAvailability ${where(repository)} (${batch.length} blobs)`,
            () =>
              sent<{
                layers?: Array<{
                  layerDigest?: string
                  layerAvailability?: string
                  layerSize?: number
                }>
              }>(
                repository,
                new commands.BatchCheckLayerAvailability({
                  ...inRepository(repository),
                  layerDigests: batch
                })
              )
          )
          for (const layer of output.layers ?? []) {
            if (layer.layerDigest && layer.layerAvailability === 'AVAILABLE')
              sizes.set(layer.layerDigest, layer.layerSize ?? 0)
          }
        })
      )
      return sizes
    },

    async startUpload(repository) {
      const output = await call(`InitiateLayerUpload ${where(repository)}`, () =>
        sent<{ uploadId?: string; partSize?: number }>(
          repository,
          new commands.InitiateLayerUpload(inRepository(repository))
        )
      )
      if (!output.uploadId) throw new EcrError('MissingUploadId', `${service} gave no upload id`)
      return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) }
    },

    async uploadPart(repository, uploadId, first, bytes) {
      await call(
        `UploadLayerPart ${where(repository)} bytes ${first}-${first + bytes.length - 1}`,
        () =>
          sent(
            repository,
            new commands.UploadLayerPart({
              ...inRepository(repository),
              uploadId,
              partFirstByte: first,
              partLastByte: first + bytes.length - 1,
              layerPartBlob: bytes
            })
          )
      )
    },

    async completeUpload(repository, uploadId, digest) {
      try {
        await call(`CompleteLayerUpload ${where(repository)} ${digest}`, () =>
          sent(
            repository,
            new commands.CompleteLayerUpload({
              ...inRepository(repository),
              uploadId,
              layerDigests: [digest]
            })
          )
        )
        return 'completed'
      } catch (error) {
        if (error instanceof EcrError && error.code === 'LayerAlreadyExistsException')
          return 'exists'
        throw error
      }
    }
  }
}
