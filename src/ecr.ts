// The one module that talks to the AWS SDK. Everything else sees plain data and EcrError.
import {
  BatchGetImageCommand,
  ECRClient,
  PutImageCommand,
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
}

export interface EcrOptions {
  /** Attempts per call, first included. */
  maxAttempts?: number
  /** Backoff before retry `attempt` (1-based), in ms. Unset: the SDK's adaptive strategy. */
  retryDelay?: (attempt: number) => number
  /** One line per call, for step debug logs. */
  debug?: (line: string) => void
  userAgent?: string
}

/**
 * Attempts tuned for CI: a promotion is a handful of calls, so riding out a throttling burst or a
 * brief ECR outage (about a minute of backoff at most) beats failing the job. Adaptive mode also
 * slows the client down once ECR starts throttling, which matters against PutImage's 10/s quota.
 */
export const DEFAULT_MAX_ATTEMPTS = 8

const BATCH_GET_LIMIT = 100

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
          : { retryMode: 'adaptive' }),
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

  function where(repository: RepositoryRef): string {
    return `${repository.registryId ?? 'default'}/${repository.region}/${repository.name}`
  }

  return {
    async getImages(repository, ids) {
      const results = await Promise.all(
        chunk(ids, BATCH_GET_LIMIT).map((batch) =>
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
    }
  }
}
