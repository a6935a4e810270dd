// The calls ECR and ECR Public share request for request: PutImage, the layer upload calls, and
// DescribeImages for an image's tag count. Each
// implementation hands in its service (an SDK client behind the transport) and its command classes,
// so only those modules import the SDK and both services get the same requests, checks and answers.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import type { Registry } from './api.js'
import { EcrError, imageNotFound } from './errors.js'
import type { Service } from './service.js'

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
  DescribeImages: CommandClass<
    InRepository & { imageIds: Array<{ imageDigest?: string; imageTag?: string }> }
  >
}

export type SharedWrites = Pick<
  Registry,
  'putImage' | 'checkBlobs' | 'startUpload' | 'uploadPart' | 'completeUpload' | 'tagCount'
>

/** ECR's limit on ids per batch call (BatchGetImage, BatchCheckLayerAvailability). */
export const BATCH_LIMIT = 100

/** A layer part gets the request timeout plus the time to send it at a slow 256 KiB/s. */
const SLOW_LINK_BYTES_PER_MS = 256
/** ECR checks the whole layer's digest on completion: more time for a bigger layer. */
const COMPLETE_TIMEOUT_MS = 120_000
/** Completions tried before the upload is given up as lost. */
const COMPLETE_ATTEMPTS = 6

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

/** An upload ECR no longer holds as this run left it: the blob must be uploaded afresh. */
export class UploadLost extends EcrError {
  constructor(message: string) {
    super('UploadLost', message, { kind: 'transient' })
  }
}

export function sharedWrites(
  service: Service,
  commands: WriteCommands,
  timeouts: { requestMs: number }
): SharedWrites {
  const where = describeRepository

  async function checkBlobs(repository: RepositoryRef, digests: string[]) {
    const sizes = new Map<string, number>()
    await Promise.all(
      chunk(digests, BATCH_LIMIT).map(async (batch) => {
        const output = await service.send<{
          layers?: Array<{ layerDigest?: string; layerAvailability?: string; layerSize?: number }>
        }>(
          `BatchCheckLayerAvailability ${where(repository)} (${batch.length} blobs)`,
          repository,
          'BatchCheckLayerAvailability',
          new commands.BatchCheckLayerAvailability({
            ...inRepository(repository),
            layerDigests: batch
          })
        )
        for (const layer of output.layers ?? []) {
          if (layer.layerDigest && layer.layerAvailability === 'AVAILABLE')
            sizes.set(layer.layerDigest, layer.layerSize ?? 0)
        }
      })
    )
    return sizes
  }

  return {
    checkBlobs,

    async tagCount(repository, id) {
      const output = await service
        .send<{ imageDetails?: Array<{ imageTags?: string[] }> }>(
          `DescribeImages ${where(repository)} ${id.digest ?? id.tag ?? ''}`,
          repository,
          'DescribeImages',
          new commands.DescribeImages({
            ...inRepository(repository),
            imageIds: [id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }]
          })
        )
        // Not in the repository yet: it carries no tag there.
        .catch(imageNotFound)
      return output?.imageDetails?.[0]?.imageTags?.length ?? 0
    },

    async putImage(repository, request) {
      const output = await service.send<{ image?: { imageId?: { imageDigest?: string } } }>(
        `PutImage ${where(repository)} ${request.tag !== undefined ? `tag ${request.tag}` : `by digest ${request.digest}`}`,
        repository,
        'PutImage',
        new commands.PutImage({
          ...inRepository(repository),
          imageManifest: request.manifest,
          imageManifestMediaType: request.mediaType,
          imageDigest: request.digest,
          ...(request.tag !== undefined && { imageTag: request.tag })
        }),
        { write: true, ...(request.notAfter && { notAfter: request.notAfter }) }
      )
      return output.image?.imageId?.imageDigest ?? ''
    },

    async startUpload(repository) {
      const output = await service.send<{ uploadId?: string; partSize?: number }>(
        `InitiateLayerUpload ${where(repository)}`,
        repository,
        'InitiateLayerUpload',
        new commands.InitiateLayerUpload(inRepository(repository)),
        { write: true }
      )
      if (!output.uploadId)
        throw new EcrError('MissingUploadId', `${service.name} gave no upload id`)
      return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) }
    },

    async uploadPart(repository, uploadId, first, bytes) {
      const last = first + bytes.length - 1
      try {
        await service.send(
          `UploadLayerPart ${where(repository)} bytes ${first}-${last}`,
          repository,
          'UploadLayerPart',
          new commands.UploadLayerPart({
            ...inRepository(repository),
            uploadId,
            partFirstByte: first,
            partLastByte: last,
            layerPartBlob: bytes
          }),
          {
            write: true,
            timeoutMs: timeouts.requestMs + Math.ceil(bytes.length / SLOW_LINK_BYTES_PER_MS)
          }
        )
      } catch (error) {
        if (!(error instanceof EcrError) || error.code !== 'InvalidLayerPartException') throw error
        // A retry of a part whose answer was lost: ECR already has it, which is all we asked.
        const received = error.lastValidByteReceived
        if (received !== undefined && received >= last) return
        throw new UploadLost(
          `ECR holds bytes up to ${received ?? 'none'} of upload ${uploadId}, not the ${last} this copy sent: ${error.message}`
        )
      }
    },

    async completeUpload(repository, uploadId, digest) {
      // Attempt by attempt: when an answer is lost, the blob may already be complete, and only
      // BatchCheckLayerAvailability can tell; a plain retry would then find no upload.
      for (let attempt = 1; ; attempt++) {
        try {
          await service.send(
            `CompleteLayerUpload ${where(repository)} ${digest}`,
            repository,
            'CompleteLayerUpload',
            new commands.CompleteLayerUpload({
              ...inRepository(repository),
              uploadId,
              layerDigests: [digest]
            }),
            {
              write: true,
              maxAttempts: 1,
              timeoutMs: Math.max(timeouts.requestMs, COMPLETE_TIMEOUT_MS)
            }
          )
          return 'completed'
        } catch (error) {
          if (!(error instanceof EcrError)) throw error
          if (error.code === 'LayerAlreadyExistsException') return 'exists'
          const lost = error.kind === 'transient' || error.kind === 'timeout'
          if (!lost && error.code !== 'UploadNotFoundException') throw error
          if ((await checkBlobs(repository, [digest])).has(digest)) return 'completed'
          if (!lost)
            throw new UploadLost(
              `Upload ${uploadId} of ${digest} is gone and the blob is not there`
            )
          if (attempt >= COMPLETE_ATTEMPTS) throw error
        }
      }
    }
  }
}
