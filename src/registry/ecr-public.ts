// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (public-registry.ts) for manifest and blob reads, which its API does not offer. Loaded
// only when a public.ecr.aws repository is named.
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  DescribeImageTagsCommand,
  DescribeImagesCommand,
  DescribeRegistriesCommand,
  ECRPUBLICClient,
  GetAuthorizationTokenCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type DescribeImageTagsCommandOutput,
  type DescribeRegistriesCommandOutput
} from '@aws-sdk/client-ecr-public'
import { PUBLIC_REGION, describeRepository, type RepositoryRef } from '../oci/index.js'
import type { FetchedImage, ImageFailure, Registry } from './api.js'
import { downloadBlob, type DownloadOptions } from './blob-download.js'
import { mapLimit } from './concurrency.js'
import { EcrError, imageNotFound } from './errors.js'
import { createPublicRegistryReader } from './public-registry.js'
import type { Endpoints } from './endpoints.js'
import { allPages, createService, endpointOf } from './service.js'
import type { Transport } from './transport.js'
import { inRepository, sharedWrites } from './writes.js'

const READ_CONCURRENCY = 8

export interface PublicEcrOptions {
  /** ECR Public's registry endpoint, for reads; https://public.ecr.aws unless overridden. */
  registryUrl?: string
  download: DownloadOptions
  stopWrites?: AbortSignal
  endpoints?: Endpoints
}

/** Registry-wide calls count against the caller's own public registry. */
const REGISTRY_WIDE: RepositoryRef = { name: '', region: PUBLIC_REGION, publicAlias: '(registry)' }

export function createPublicEcr(transport: Transport, options: PublicEcrOptions): Registry {
  const client = new ECRPUBLICClient(transport.clientConfig(PUBLIC_REGION))
  const service = createService(
    'ECR Public',
    transport,
    () => client,
    (region) => endpointOf('ECR_PUBLIC', region, options.endpoints),
    options.stopWrites
  )
  const where = describeRepository
  // Registry ids of the caller's public registries, by alias; asked once.
  let registries: Promise<Map<string, string>> | undefined
  let authorization: Promise<string> | undefined

  const reader = createPublicRegistryReader(
    transport,
    () =>
      (authorization ??= service
        .send<{ authorizationData?: { authorizationToken?: string } }>(
          'GetAuthorizationToken (ECR Public)',
          REGISTRY_WIDE,
          'GetAuthorizationToken',
          new GetAuthorizationTokenCommand({})
        )
        .then((output) => {
          const token = output.authorizationData?.authorizationToken
          if (!token) throw new EcrError('MissingAuthorizationToken', 'ECR Public gave no token')
          return token
        })),
    options.registryUrl
  )

  async function ownRegistries(): Promise<Map<string, string>> {
    registries ??= (async () => {
      const byAlias = new Map<string, string>()
      const pages = await allPages((nextToken) =>
        service.send<DescribeRegistriesCommandOutput>(
          'DescribeRegistries (ECR Public)',
          REGISTRY_WIDE,
          'DescribeRegistries',
          new DescribeRegistriesCommand({ ...(nextToken && { nextToken }) })
        )
      )
      for (const entry of pages.flatMap((page) => page.registries ?? []))
        for (const name of entry.aliases ?? [])
          if (name.name && entry.registryId) byAlias.set(name.name, entry.registryId)
      return byAlias
    })()
    return registries
  }

  async function getImages(repository: RepositoryRef, ids: Parameters<Registry['getImages']>[1]) {
    const images: FetchedImage[] = []
    const failures: ImageFailure[] = []
    await mapLimit(ids, READ_CONCURRENCY, async (id) => {
      // One reference per id: a tag, or a digest (the registry cannot check one against the other).
      const found = await reader.manifest(repository, id.digest ?? id.tag!)
      if (!found) {
        failures.push({ ...id, code: 'ImageNotFound', reason: 'Requested image not found' })
        return
      }
      images.push({
        registryId: repository.registryId ?? '',
        ...found,
        ...(id.digest === undefined && { tag: id.tag })
      })
    })
    return { images, failures }
  }

  /** Every tag of the repository and its digest: DescribeImageTags, every page. */
  async function allTags(repository: RepositoryRef): Promise<Map<string, string>> {
    const digests = new Map<string, string>()
    const pages = await allPages((nextToken) =>
      service.send<DescribeImageTagsCommandOutput>(
        `DescribeImageTags ${where(repository)}`,
        repository,
        'DescribeImageTags',
        new DescribeImageTagsCommand({
          ...inRepository(repository),
          maxResults: 1000,
          ...(nextToken && { nextToken })
        })
      )
    )
    for (const detail of pages.flatMap((page) => page.imageTagDetails ?? [])) {
      const digest = detail.imageDetail?.imageDigest
      if (detail.imageTag && digest) digests.set(detail.imageTag, digest)
    }
    return digests
  }

  async function tagDigests(repository: RepositoryRef, tags: string[]) {
    const all = await allTags(repository)
    return new Map(tags.map((tag) => [tag, all.get(tag) ?? null]))
  }

  return {
    ...sharedWrites(
      service,
      {
        PutImage: PutImageCommand,
        BatchCheckLayerAvailability: BatchCheckLayerAvailabilityCommand,
        InitiateLayerUpload: InitiateLayerUploadCommand,
        UploadLayerPart: UploadLayerPartCommand,
        CompleteLayerUpload: CompleteLayerUploadCommand,
        DescribeImages: DescribeImagesCommand
      },
      transport.timeouts
    ),

    async writableRegistryId(repository) {
      const byAlias = await ownRegistries()
      const id = byAlias.get(repository.publicAlias!)
      if (id === undefined) {
        const known = [...byAlias.keys()]
        throw new EcrError(
          'RegistryAliasNotFound',
          `public.ecr.aws/${repository.publicAlias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`
        )
      }
      return id
    },

    getImages,
    tagDigests,

    async getImagesAndTags(repository, ids, tags) {
      const [answer, digests] = await Promise.all([
        getImages(repository, ids),
        tagDigests(repository, tags)
      ])
      return { ...answer, tags: digests }
    },

    // ECR Public has no tag mutability setting to read.
    tagMutability: async () => undefined,

    async presentImages(repository, digests) {
      // DescribeImages: ECR Public's API, not the registry: one round trip, no token, no CDN.
      const present = new Set<string>()
      await mapLimit(digests, READ_CONCURRENCY, async (digest) => {
        const found = await service
          .send(
            `DescribeImages ${where(repository)} ${digest}`,
            repository,
            'DescribeImages',
            new DescribeImagesCommand({
              ...inRepository(repository),
              imageIds: [{ imageDigest: digest }]
            })
          )
          .then(() => true)
          .catch(imageNotFound)
        if (found) present.add(digest)
      })
      return present
    },

    readBlob: async (repository, digest) =>
      downloadBlob(
        transport,
        `blob ${digest} from ${where(repository)}`,
        (renew) => reader.blobLocation(repository, digest, renew),
        options.download
      ),

    listReferrers: async () => ({
      unsupported: 'referrers',
      reason: 'ECR Public has no API that lists referrers'
    }),
    // ECR Public neither scans images nor signs them.
    scan: async () => ({ unsupported: 'scanning', reason: 'ECR Public does not scan images' }),
    signingStatuses: async () => ({
      unsupported: 'signing',
      reason: 'ECR Public has no managed signing'
    })
  }
}
