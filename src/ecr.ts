// The module that talks to ECR (with ecr-public.ts, its ECR Public half, loaded on demand).
// Everything else sees plain data and EcrError.
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
import { caller, chunk, clientSettings, type EcrOptions } from './aws-call.js'
import { sharedWrites } from './ecr-writes.js'
import { describeWhere } from './references.js'
export { DEFAULT_MAX_ATTEMPTS, type EcrOptions } from './aws-call.js'
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

/** ECR calls by repository; ECR Public repositories are served by ecr-public.ts, loaded on first use. */
export interface EcrApi extends PublicEcrApi {
  /** BatchGetImage for any number of ids (100 per call, calls in parallel). */
  getImages(
    repository: RepositoryRef,
    ids: ImageId[]
  ): Promise<{ images: FetchedImage[]; failures: ImageFailure[] }>
  /**
   * Which of `digests` the repository holds as images: BatchGetImage, or for ECR Public one
   * DescribeImages per digest (its API, not the registry: one round trip, no token, no CDN).
   */
  presentImages(repository: RepositoryRef, digests: string[]): Promise<Set<string>>
  /** PutImage; resolves to the digest ECR stored. */
  putImage(repository: RepositoryRef, request: PutImageRequest): Promise<string>
  /** BatchCheckLayerAvailability (100 per call): the size of each blob the repository has. */
  checkBlobs(repository: RepositoryRef, digests: string[]): Promise<Map<string, number>>
  /** Where to download a blob: GetDownloadUrlForLayer, or ECR Public's registry endpoint. */
  blobLocation(repository: RepositoryRef, digest: string): Promise<BlobLocation>
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

export interface BlobLocation {
  url: string
  /** Sent with the download (a registry's bearer token); a presigned URL needs none. */
  headers?: Record<string, string>
}

/** What only ECR Public's API answers. */
export interface PublicEcrApi {
  /** DescribeRegistries: the id of the caller's public registry that has this alias. */
  publicRegistryId(alias: string): Promise<string>
  /** DescribeImageTags: the digest each tag points at, null for a tag that does not exist. */
  publicTagDigests(repository: RepositoryRef, tags: string[]): Promise<Map<string, string | null>>
}

const BATCH_LIMIT = 100

type RepositoryCalls = Omit<EcrApi, keyof PublicEcrApi>
const REPOSITORY_CALLS: Array<keyof RepositoryCalls> = [
  'getImages',
  'presentImages',
  'putImage',
  'checkBlobs',
  'blobLocation',
  'startUpload',
  'uploadPart',
  'completeUpload',
  'listReferrers'
]

/**
 * The seam where the AWS clients are made; endpoint and credentials come from the environment.
 * Calls on an ECR Public repository go to ecr-public.ts, imported only when one is named, so the
 * common path never loads ECR Public's SDK.
 */
export function createEcr(options: EcrOptions = {}): EcrApi {
  const ecr = createPrivateEcr(options)
  let publicEcr: Promise<RepositoryCalls & PublicEcrApi> | undefined
  const loadPublic = () =>
    (publicEcr ??= import('./ecr-public.js').then((module) => module.createPublicEcr(options)))
  const dispatched = Object.fromEntries(
    REPOSITORY_CALLS.map((name) => [
      name,
      async (repository: RepositoryRef, ...rest: unknown[]) => {
        const target = repository.publicAlias !== undefined ? await loadPublic() : ecr
        return (target[name] as (...args: unknown[]) => Promise<unknown>)(repository, ...rest)
      }
    ])
  ) as unknown as RepositoryCalls
  return {
    ...dispatched,
    publicRegistryId: async (alias) => (await loadPublic()).publicRegistryId(alias),
    publicTagDigests: async (repository, tags) =>
      (await loadPublic()).publicTagDigests(repository, tags)
  }
}

function createPrivateEcr(options: EcrOptions): RepositoryCalls {
  const clients = new Map<string, ECRClient>()
  const call = caller(options.debug ?? (() => {}))

  function client(region: string): ECRClient {
    let existing = clients.get(region)
    if (!existing) {
      existing = new ECRClient(clientSettings(options, region) as ECRClientConfig)
      clients.set(region, existing)
    }
    return existing
  }

  function registry(repository: RepositoryRef): { registryId?: string } {
    return repository.registryId ? { registryId: repository.registryId } : {}
  }

  const where = describeWhere

  const api: RepositoryCalls = {
    ...sharedWrites(
      'ECR',
      call,
      (repository, command) =>
        client(repository.region).send(command as PutImageCommand) as Promise<{
          $metadata: object
        }>,
      {
        PutImage: PutImageCommand,
        BatchCheckLayerAvailability: BatchCheckLayerAvailabilityCommand,
        InitiateLayerUpload: InitiateLayerUploadCommand,
        UploadLayerPart: UploadLayerPartCommand,
        CompleteLayerUpload: CompleteLayerUploadCommand
      }
    ),
    async getImages(repository, ids) {
      const results = await Promise.all(
        chunk(ids, BATCH_LIMIT).map((batch) =>
          call(`BatchGetImage ${where(repository)} (${batch.length} ids)`, () =>
            client(repository.region).send(
              new BatchGetImageCommand({
                ...registry(repository),
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

    async presentImages(repository, digests) {
      const { images } = await api.getImages(
        repository,
        digests.map((digest) => ({ digest }))
      )
      return new Set(images.map((image) => image.digest))
    },

    async blobLocation(repository, digest) {
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
      return { url: output.downloadUrl }
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
  return api
}
