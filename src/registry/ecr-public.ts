// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (public-registry.ts) for manifest and blob reads, which its API does not offer. Loaded
// only when a public.ecr.aws repository is named.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  CompleteLayerUploadCommand,
  DescribeImageTagsCommand,
  DescribeImagesCommand,
  DescribeRegistriesCommand,
  ECRPUBLICClient,
  GetAuthorizationTokenCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand
} from '@aws-sdk/client-ecr-public'
import { PUBLIC_REGION, describeRepository, type RepositoryRef } from '../oci/index.js'
import type {
  FetchedImage,
  ImageAnswer,
  ImageFailure,
  ImageId,
  Registry,
  TagDigests,
  Unsupported
} from './api.js'
import { downloadBlob, type DownloadOptions } from './blob-download.js'
import { mapLimit } from './concurrency.js'
import { EcrError, imageNotFound } from './errors.js'
import { PublicRegistryReader } from './public-registry.js'
import type { Endpoints } from './endpoints.js'
import { allPages, endpointOf, Service } from './service.js'
import type { Transport } from './transport.js'
import { inRepository, SharedWrites } from './writes.js'

const READ_CONCURRENCY = 8

const NOT_ARCHIVED: Unsupported = {
  unsupported: 'archive',
  reason: 'ECR Public has no archive storage class'
}

const NO_LIFECYCLE: Unsupported = {
  unsupported: 'lifecycle',
  reason: 'ECR Public has no lifecycle policies'
}

const NOT_CREATED: Unsupported = {
  unsupported: 'repository-creation',
  reason: 'this action does not create ECR Public repositories'
}

export interface PublicEcrOptions {
  /** ECR Public's registry endpoint, for reads; https://public.ecr.aws unless overridden. */
  registryUrl?: string
  download: DownloadOptions
  stopWrites?: AbortSignal
  endpoints?: Endpoints
}

/** Registry-wide calls count against the caller's own public registry. */
const REGISTRY_WIDE: RepositoryRef = { name: '', region: PUBLIC_REGION, publicAlias: '(registry)' }

const COMMANDS = {
  BatchDeleteImage: BatchDeleteImageCommand,
  PutImage: PutImageCommand,
  BatchCheckLayerAvailability: BatchCheckLayerAvailabilityCommand,
  InitiateLayerUpload: InitiateLayerUploadCommand,
  UploadLayerPart: UploadLayerPartCommand,
  CompleteLayerUpload: CompleteLayerUploadCommand,
  DescribeImages: DescribeImagesCommand
}

export class PublicEcr extends SharedWrites implements Registry {
  private readonly options: PublicEcrOptions
  private readonly reader: PublicRegistryReader
  /** Registry ids of the caller's public registries, by alias; asked once. */
  private registries: Promise<Map<string, string>> | undefined
  private authorization: Promise<string> | undefined

  constructor(transport: Transport, options: PublicEcrOptions) {
    const client = new ECRPUBLICClient(transport.clientConfig(PUBLIC_REGION))
    super(
      new Service(transport, {
        name: 'ECR Public',
        client: () => client,
        endpoint: (region) => endpointOf('ECR_PUBLIC', region, options.endpoints),
        ...(options.stopWrites && { stopWrites: options.stopWrites })
      }),
      COMMANDS
    )
    this.options = options
    this.reader = new PublicRegistryReader(
      this.service,
      () => (this.authorization ??= this.basicAuthorization()),
      options.registryUrl
    )
  }

  async writableRegistryId(repository: RepositoryRef): Promise<string> {
    const byAlias = await (this.registries ??= this.ownRegistries())
    const id = byAlias.get(repository.publicAlias!)
    if (id === undefined) {
      const known = [...byAlias.keys()]
      throw new EcrError(
        'RegistryAliasNotFound',
        `public.ecr.aws/${repository.publicAlias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`
      )
    }
    return id
  }

  async getImages(repository: RepositoryRef, ids: ImageId[]): Promise<ImageAnswer> {
    const images: FetchedImage[] = []
    const failures: ImageFailure[] = []
    await mapLimit(ids, READ_CONCURRENCY, async (id) => {
      // One reference per id: a tag, or a digest (the registry cannot check one against the other).
      const found = await this.reader.manifest(repository, id.digest ?? id.tag!)
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

  async tagDigests(repository: RepositoryRef, tags: string[]): Promise<TagDigests> {
    const all = await this.allTags(repository)
    return new Map(tags.map((tag) => [tag, all.get(tag) ?? null]))
  }

  async getImagesAndTags(
    repository: RepositoryRef,
    ids: ImageId[],
    tags: string[]
  ): Promise<ImageAnswer & { tags: TagDigests }> {
    const [answer, digests] = await Promise.all([
      this.getImages(repository, ids),
      this.tagDigests(repository, tags)
    ])
    return { ...answer, tags: digests }
  }

  /** ECR Public has no tag mutability setting to read. */
  async tagMutability(): Promise<undefined> {
    return undefined
  }

  async presentImages(repository: RepositoryRef, digests: string[]): Promise<Set<string>> {
    // DescribeImages: ECR Public's API, not the registry: one round trip, no token, no CDN.
    const present = new Set<string>()
    await mapLimit(digests, READ_CONCURRENCY, async (digest) => {
      const found = await this.service
        .send(
          repository,
          new DescribeImagesCommand({
            ...inRepository(repository),
            imageIds: [{ imageDigest: digest }]
          }),
          { about: digest }
        )
        .then(() => true)
        .catch(imageNotFound)
      if (found) present.add(digest)
    })
    return present
  }

  async readBlob(repository: RepositoryRef, digest: string): Promise<AsyncIterable<Uint8Array>> {
    return downloadBlob(
      this.service.transport,
      `blob ${digest} from ${describeRepository(repository)}`,
      this.reader.target(repository),
      (renew) => this.reader.blobLocation(repository, digest, renew),
      this.options.download
    )
  }

  async listReferrers(): Promise<Unsupported> {
    return { unsupported: 'referrers', reason: 'ECR Public has no API that lists referrers' }
  }

  async scan(): Promise<Unsupported> {
    return { unsupported: 'scanning', reason: 'ECR Public does not scan images' }
  }

  async repositorySettings(): Promise<Unsupported> {
    return NOT_CREATED
  }

  async creationTemplate(): Promise<Unsupported> {
    return NOT_CREATED
  }

  async createRepository(): Promise<Unsupported> {
    return NOT_CREATED
  }

  async mountBlob(): Promise<Unsupported> {
    return { unsupported: 'mounting', reason: 'ECR Public does not mount blobs' }
  }

  async imageDetails(): Promise<Unsupported> {
    return NOT_ARCHIVED
  }

  async signingRules(): Promise<Unsupported> {
    return { unsupported: 'signing', reason: 'ECR Public does not sign images' }
  }

  async lifecyclePolicy(): Promise<Unsupported> {
    return NO_LIFECYCLE
  }

  async listImages(): Promise<Unsupported> {
    return NO_LIFECYCLE
  }

  async restoreImage(): Promise<Unsupported> {
    return NOT_ARCHIVED
  }

  async signingStatuses(): Promise<Unsupported> {
    return { unsupported: 'signing', reason: 'ECR Public has no managed signing' }
  }

  private async basicAuthorization(): Promise<string> {
    const output = await this.service.send(REGISTRY_WIDE, new GetAuthorizationTokenCommand({}))
    const token = output.authorizationData?.authorizationToken
    if (!token) throw new EcrError('MissingAuthorizationToken', 'ECR Public gave no token')
    return token
  }

  private async ownRegistries(): Promise<Map<string, string>> {
    const byAlias = new Map<string, string>()
    const pages = await allPages((nextToken) =>
      this.service.send(
        REGISTRY_WIDE,
        new DescribeRegistriesCommand({ ...(nextToken && { nextToken }) })
      )
    )
    for (const entry of pages.flatMap((page) => page.registries ?? []))
      for (const name of entry.aliases ?? [])
        if (name.name && entry.registryId) byAlias.set(name.name, entry.registryId)
    return byAlias
  }

  /** Every tag of the repository and its digest: DescribeImageTags, every page. */
  private async allTags(repository: RepositoryRef): Promise<Map<string, string>> {
    const digests = new Map<string, string>()
    const pages = await allPages((nextToken) =>
      this.service.send(
        repository,
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
}
