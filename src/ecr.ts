// The one module that talks to the AWS SDK. Everything else sees plain data and EcrError.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  ListImageReferrersCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type ECRClientConfig
} from '@aws-sdk/client-ecr'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { EcrError } from './errors.js'
import type { RepositoryRef } from './inputs.js'
import { ACCEPTED_MEDIA_TYPES } from './manifest.js'

export interface ImageId {
  tag?: string
  digest?: string
}

export interface FetchedImage {
  registryId: string
  repositoryName: string
  tag?: string
  digest: string
  manifest: string
  mediaType?: string
}

export interface ImageFailure {
  tag?: string
  digest?: string
  code: string
  reason: string
}

export interface PutImageRequest {
  manifest: string
  mediaType: string
  digest: string
  tag?: string
}

export interface EcrApi {
  /** BatchGetImage for any number of ids (100 per call, calls in parallel). */
  getImages(
    repository: RepositoryRef,
    ids: ImageId[]
  ): Promise<{ images: FetchedImage[]; failures: ImageFailure[] }>
  /** PutImage; resolves to the digest ECR stored. */
  putImage(repository: RepositoryRef, request: PutImageRequest): Promise<string>
  /** BatchCheckLayerAvailability (100 per call): the size of each blob the repository has. */
  checkBlobs(repository: RepositoryRef, digests: string[]): Promise<Map<string, number>>
  /** GetDownloadUrlForLayer: where to download a blob of an image in the repository. */
  blobUrl(repository: RepositoryRef, digest: string): Promise<string>
  /** InitiateLayerUpload. */
  startUpload(repository: RepositoryRef): Promise<{ uploadId: string; partSize?: number }>
  /** UploadLayerPart: `bytes` go at offset `first` (byte ranges are inclusive on the wire). */
  uploadPart(
    repository: RepositoryRef,
    uploadId: string,
    first: number,
    bytes: Uint8Array
  ): Promise<void>
  /** CompleteLayerUpload; `exists` when the repository already had the blob. */
  completeUpload(
    repository: RepositoryRef,
    uploadId: string,
    digest: string
  ): Promise<'completed' | 'exists'>
  /** ListImageReferrers, every page: the artifacts whose subject is `digest`. */
  listReferrers(repository: RepositoryRef, digest: string): Promise<Referrer[]>
}

export interface Referrer {
  digest: string
  mediaType: string
  artifactType?: string
  size?: number
}

export interface EcrOptions {
  /** Attempts per call, first included. */
  maxAttempts?: number
  /** Backoff before retry `attempt` (1-based), in ms. Unset: the SDK's standard strategy. */
  retryDelay?: (attempt: number) => number
  /** One line per call, for step debug logs. */
  debug?: (line: string) => void
  userAgent?: string
}

/**
 * Attempts tuned for CI: a promotion is a handful of calls, so riding out a throttling burst or a
 * brief ECR outage beats failing the job. Twelve attempts with jittered exponential backoff (1 s
 * base for throttling, capped at 20 s) wait two and a half minutes at the very worst, well under a
 * second usually; even with 40% of requests failing, a call then fails once in sixty thousand.
 * The standard strategy, not adaptive: adaptive's client-side rate limiter pays off for long-lived
 * clients making many calls, but here it turns a single throttled call into seconds of waiting; the
 * bounded write concurrency is this action's pacing.
 */
export const DEFAULT_MAX_ATTEMPTS = 12

const BATCH_LIMIT = 100

function toEcrError(error: unknown): EcrError {
  if (error instanceof EcrError) return error
  const e = error as {
    name?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string }
  }
  const metadata = e?.$metadata ?? {}
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error')
  return new EcrError(code, e?.message ?? String(error), {
    ...(metadata.httpStatusCode !== undefined && { httpStatus: metadata.httpStatusCode }),
    ...(metadata.attempts !== undefined && { attempts: metadata.attempts }),
    ...(metadata.requestId !== undefined && { requestId: metadata.requestId })
  })
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/** The seam where the AWS client is made; endpoint and credentials come from the environment. */
export function createEcr(options: EcrOptions = {}): EcrApi {
  const clients = new Map<string, ECRClient>()
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const debug = options.debug ?? (() => {})

  function client(region: string): ECRClient {
    let existing = clients.get(region)
    if (!existing) {
      const config: ECRClientConfig = {
        region,
        maxAttempts,
        ...(options.retryDelay
          ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, options.retryDelay) }
          : { retryMode: 'standard' }),
        ...(options.userAgent && { customUserAgent: options.userAgent })
      }
      existing = new ECRClient(config)
      clients.set(region, existing)
    }
    return existing
  }

  async function call<T>(
    label: string,
    send: () => Promise<T & { $metadata: { attempts?: number; requestId?: string } }>
  ): Promise<T> {
    const started = performance.now()
    try {
      const output = await send()
      const { attempts, requestId } = output.$metadata
      debug(
        `${label}: ok in ${Math.round(performance.now() - started)} ms, ${attempts ?? 1} attempt(s), request ${requestId ?? '-'}`
      )
      return output
    } catch (error) {
      const failure = toEcrError(error)
      debug(
        `${label}: ${failure.code} in ${Math.round(performance.now() - started)} ms, ${failure.attempts} attempt(s), request ${failure.requestId ?? '-'}`
      )
      throw failure
    }
  }

  function registry(repository: RepositoryRef): { registryId?: string } {
    return repository.registryId ? { registryId: repository.registryId } : {}
  }

  function where(repository: RepositoryRef): string {
    return `${repository.registryId ?? 'default'}/${repository.region}/${repository.name}`
  }

  return {
    async getImages(repository, ids) {
      const results = await Promise.all(
        chunk(ids, BATCH_LIMIT).map((batch) =>
          call(`BatchGetImage ${where(repository)} (${batch.length} ids)`, () =>
            client(repository.region).send(
              new BatchGetImageCommand({
                ...(repository.registryId && { registryId: repository.registryId }),
                repositoryName: repository.name,
                imageIds: batch.map((id) => ({
                  ...(id.tag !== undefined && { imageTag: id.tag }),
                  ...(id.digest !== undefined && { imageDigest: id.digest })
                })),
                acceptedMediaTypes: ACCEPTED_MEDIA_TYPES
              })
            )
          )
        )
      )
      const images: FetchedImage[] = []
      const failures: ImageFailure[] = []
      for (const result of results) {
        for (const image of result.images ?? []) {
          if (!image.imageId?.imageDigest || image.imageManifest === undefined) continue
          images.push({
            registryId: image.registryId ?? repository.registryId ?? '',
            repositoryName: image.repositoryName ?? repository.name,
            digest: image.imageId.imageDigest,
            manifest: image.imageManifest,
            ...(image.imageId.imageTag !== undefined && { tag: image.imageId.imageTag }),
            ...(image.imageManifestMediaType && { mediaType: image.imageManifestMediaType })
          })
        }
        for (const failure of result.failures ?? []) {
          failures.push({
            ...(failure.imageId?.imageTag !== undefined && { tag: failure.imageId.imageTag }),
            ...(failure.imageId?.imageDigest !== undefined && {
              digest: failure.imageId.imageDigest
            }),
            code: failure.failureCode ?? 'Unknown',
            reason: failure.failureReason ?? ''
          })
        }
      }
      return { images, failures }
    },

    async putImage(repository, request) {
      const output = await call(`PutImage ${where(repository)}:${request.tag ?? '(no tag)'}`, () =>
        client(repository.region).send(
          new PutImageCommand({
            ...(repository.registryId && { registryId: repository.registryId }),
            repositoryName: repository.name,
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
              client(repository.region).send(
                new BatchCheckLayerAvailabilityCommand({
                  ...registry(repository),
                  repositoryName: repository.name,
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

    async blobUrl(repository, digest) {
      const output = await call(`GetDownloadUrlForLayer ${where(repository)} ${digest}`, () =>
        client(repository.region).send(
          new GetDownloadUrlForLayerCommand({
            ...registry(repository),
            repositoryName: repository.name,
            layerDigest: digest
          })
        )
      )
      if (!output.downloadUrl)
        throw new EcrError('MissingDownloadUrl', `ECR gave no download URL for ${digest}`)
      return output.downloadUrl
    },

    async startUpload(repository) {
      const output = await call(`InitiateLayerUpload ${where(repository)}`, () =>
        client(repository.region).send(
          new InitiateLayerUploadCommand({
            ...registry(repository),
            repositoryName: repository.name
          })
        )
      )
      if (!output.uploadId) throw new EcrError('MissingUploadId', 'ECR gave no upload id')
      return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) }
    },

    async uploadPart(repository, uploadId, first, bytes) {
      await call(
        `UploadLayerPart ${where(repository)} bytes ${first}-${first + bytes.length - 1}`,
        () =>
          client(repository.region).send(
            new UploadLayerPartCommand({
              ...registry(repository),
              repositoryName: repository.name,
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
          client(repository.region).send(
            new CompleteLayerUploadCommand({
              ...registry(repository),
              repositoryName: repository.name,
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
    },

    async listReferrers(repository, digest) {
      const referrers: Referrer[] = []
      let nextToken: string | undefined
      do {
        const output = await call(`ListImageReferrers ${where(repository)} ${digest}`, () =>
          client(repository.region).send(
            new ListImageReferrersCommand({
              ...registry(repository),
              repositoryName: repository.name,
              subjectId: { imageDigest: digest },
              maxResults: 50,
              ...(nextToken && { nextToken })
            })
          )
        )
        for (const referrer of output.referrers ?? []) {
          if (!referrer.digest || !referrer.mediaType) continue
          referrers.push({
            digest: referrer.digest,
            mediaType: referrer.mediaType,
            ...(referrer.artifactType && { artifactType: referrer.artifactType }),
            ...(referrer.size !== undefined && { size: referrer.size })
          })
        }
        nextToken = output.nextToken
      } while (nextToken)
      return referrers
    }
  }
}
