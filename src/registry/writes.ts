// The calls ECR and ECR Public share request for request: PutImage, BatchDeleteImage by tag, the
// layer upload calls, and DescribeImages for an image's tag count. Each implementation extends SharedWrites with its
// service (an SDK client behind the transport) and its command classes, so only those modules
// import the SDK and both services get the same requests, checks and answers.
import type { MetadataBearer } from '@smithy/types'
import type { RepositoryRef } from '../oci/index.js'
import type { ImageId, PutImageRequest, Registry, WriteOptions } from './api.js'
import { EcrError, imageNotFound } from './errors.js'
import type { SdkCommand, Service } from './service.js'

/** A command class of either SDK: built from `Input`, answering `Output`. */
type CommandClass<Input, Output extends object> = new (
  input: Input
) => SdkCommand<Output & MetadataBearer>

export interface InRepository {
  registryId?: string
  repositoryName: string
}

/**
 * The command classes the shared calls send, with what each sends and the part of its answer that
 * is read: both SDKs' classes must fit, so a field renamed in either fails to compile.
 */
export interface WriteCommands {
  BatchDeleteImage: CommandClass<
    InRepository & { imageIds: Array<{ imageTag?: string }> },
    { failures?: Array<{ failureCode?: string; failureReason?: string }> }
  >
  PutImage: CommandClass<
    InRepository & {
      imageManifest: string
      imageManifestMediaType: string
      imageDigest: string
      imageTag?: string
    },
    { image?: { imageId?: { imageDigest?: string } } }
  >
  BatchCheckLayerAvailability: CommandClass<
    InRepository & { layerDigests: string[] },
    {
      layers?: Array<{
        layerDigest?: string
        layerAvailability?: string
        layerSize?: number
      }>
    }
  >
  InitiateLayerUpload: CommandClass<InRepository, { uploadId?: string; partSize?: number }>
  UploadLayerPart: CommandClass<
    InRepository & {
      uploadId: string
      partFirstByte: number
      partLastByte: number
      layerPartBlob: Uint8Array
    },
    { lastByteReceived?: number }
  >
  CompleteLayerUpload: CommandClass<
    InRepository & { uploadId: string; layerDigests: string[] },
    { layerDigest?: string }
  >
  DescribeImages: CommandClass<
    InRepository & { imageIds: Array<{ imageDigest?: string; imageTag?: string }> },
    { imageDetails?: Array<{ imageTags?: string[] }> }
  >
}

type SharedCalls = Pick<
  Registry,
  'putImage' | 'untag' | 'checkBlobs' | 'startUpload' | 'uploadPart' | 'completeUpload' | 'tagCount'
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

/**
 * The calls ECR and ECR Public share: each implementation extends this with its service and its
 * SDK's command classes.
 */
export abstract class SharedWrites implements SharedCalls {
  protected readonly service: Service
  private readonly commands: WriteCommands

  constructor(service: Service, commands: WriteCommands) {
    this.service = service
    this.commands = commands
  }

  async checkBlobs(repository: RepositoryRef, digests: string[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>()
    await Promise.all(
      chunk(digests, BATCH_LIMIT).map(async (batch) => {
        const output = await this.service.send(
          repository,
          new this.commands.BatchCheckLayerAvailability({
            ...inRepository(repository),
            layerDigests: batch
          }),
          { about: `(${batch.length} blobs)` }
        )
        for (const layer of output.layers ?? []) {
          if (layer.layerDigest && layer.layerAvailability === 'AVAILABLE')
            sizes.set(layer.layerDigest, layer.layerSize ?? 0)
        }
      })
    )
    return sizes
  }

  async tagCount(repository: RepositoryRef, id: ImageId): Promise<number> {
    const output = await this.service
      .send(
        repository,
        new this.commands.DescribeImages({
          ...inRepository(repository),
          imageIds: [id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }]
        }),
        { about: id.digest ?? id.tag ?? '' }
      )
      // Not in the repository yet: it carries no tag there.
      .catch(imageNotFound)
    return output?.imageDetails?.[0]?.imageTags?.length ?? 0
  }

  async putImage(repository: RepositoryRef, request: PutImageRequest): Promise<string> {
    const output = await this.service.send(
      repository,
      new this.commands.PutImage({
        ...inRepository(repository),
        imageManifest: request.manifest,
        imageManifestMediaType: request.mediaType,
        imageDigest: request.digest,
        ...(request.tag !== undefined && { imageTag: request.tag })
      }),
      {
        about: request.tag !== undefined ? `tag ${request.tag}` : `by digest ${request.digest}`,
        write: true,
        ...(request.notAfter && { notAfter: request.notAfter }),
        ...(request.despiteStop && { despiteStop: true })
      }
    )
    return output.image?.imageId?.imageDigest ?? ''
  }

  async untag(repository: RepositoryRef, tag: string, options: WriteOptions = {}): Promise<void> {
    const output = await this.service.send(
      repository,
      new this.commands.BatchDeleteImage({
        ...inRepository(repository),
        imageIds: [{ imageTag: tag }]
      }),
      { about: `tag ${tag}`, write: true, ...options }
    )
    const failure = output.failures?.[0]
    // Already gone is what was asked.
    if (failure && failure.failureCode !== 'ImageNotFound')
      throw new EcrError(
        failure.failureCode ?? 'Unknown',
        `Removing tag ${tag} failed: ${failure.failureReason ?? failure.failureCode}`
      )
  }

  async startUpload(repository: RepositoryRef): Promise<{ uploadId: string; partSize?: number }> {
    const output = await this.service.send(
      repository,
      new this.commands.InitiateLayerUpload(inRepository(repository)),
      { write: true }
    )
    if (!output.uploadId)
      throw new EcrError('MissingUploadId', `${this.service.name} gave no upload id`)
    return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) }
  }

  async uploadPart(
    repository: RepositoryRef,
    uploadId: string,
    first: number,
    bytes: Uint8Array
  ): Promise<void> {
    const last = first + bytes.length - 1
    try {
      await this.service.send(
        repository,
        new this.commands.UploadLayerPart({
          ...inRepository(repository),
          uploadId,
          partFirstByte: first,
          partLastByte: last,
          layerPartBlob: bytes
        }),
        {
          about: `bytes ${first}-${last}`,
          write: true,
          timeoutMs:
            this.service.transport.timeouts.requestMs +
            Math.ceil(bytes.length / SLOW_LINK_BYTES_PER_MS)
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
  }

  /**
   * Attempt by attempt, backing off as the transport does: when an answer is lost, the blob may
   * already be complete, and only BatchCheckLayerAvailability can tell; a plain retry would then
   * find no upload.
   */
  async completeUpload(
    repository: RepositoryRef,
    uploadId: string,
    digest: string
  ): Promise<'completed' | 'exists'> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.service.send(
          repository,
          new this.commands.CompleteLayerUpload({
            ...inRepository(repository),
            uploadId,
            layerDigests: [digest]
          }),
          {
            about: digest,
            write: true,
            maxAttempts: 1,
            timeoutMs: Math.max(this.service.transport.timeouts.requestMs, COMPLETE_TIMEOUT_MS)
          }
        )
        return 'completed'
      } catch (error) {
        if (!(error instanceof EcrError)) throw error
        if (error.code === 'LayerAlreadyExistsException') return 'exists'
        const lost = error.kind === 'transient' || error.kind === 'timeout'
        if (!lost && error.code !== 'UploadNotFoundException') throw error
        if ((await this.checkBlobs(repository, [digest])).has(digest)) return 'completed'
        if (!lost)
          throw new UploadLost(`Upload ${uploadId} of ${digest} is gone and the blob is not there`)
        if (attempt >= COMPLETE_ATTEMPTS) throw error
        await this.service.transport.pause(`CompleteLayerUpload ${digest}`, attempt)
      }
    }
  }
}
