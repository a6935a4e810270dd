// Private Amazon ECR through its API: the Registry operations for a repository in an account's
// registry, one SDK client per region.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImageSigningStatusCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  DescribeRepositoryCreationTemplatesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  GetLifecyclePolicyCommand,
  GetSigningConfigurationCommand,
  InitiateLayerUploadCommand,
  type Repository,
  ListImageReferrersCommand,
  PutImageCommand,
  UpdateImageStorageClassCommand,
  UploadLayerPartCommand,
  type BatchGetImageCommandOutput,
  type DescribeImageScanFindingsCommandOutput,
  type DescribeRepositoryCreationTemplatesCommandOutput
} from '@aws-sdk/client-ecr'
import { ACCEPTED_MEDIA_TYPES, describeRepository, type RepositoryRef } from '../oci/index.js'
import type {
  FetchedImage,
  ImageAnswer,
  ImageScan,
  ScanFinding,
  ImageFailure,
  ImageDetail,
  ImageId,
  ImageStatus,
  ListedImage,
  Referrer,
  SigningRule,
  Registry,
  RepositorySettings,
  SigningStatus,
  TagDigests,
  TagMutability,
  Unsupported
} from './api.js'
import { downloadBlob, type DownloadOptions } from './blob-download.js'
import { madeSince } from './lost-answers.js'
import { EcrError, ExplainedError, imageNotFound } from './errors.js'
import { BlobMounter } from './mounting.js'
import type { Endpoints } from './endpoints.js'
import { allPages, endpointOf, Service } from './service.js'
import type { Transport } from './transport.js'
import { BATCH_LIMIT, chunk, inRepository, SharedWrites } from './writes.js'

function collect(results: BatchGetImageCommandOutput[], repository: RepositoryRef): ImageAnswer {
  const images: FetchedImage[] = []
  const failures: ImageFailure[] = []
  for (const result of results) {
    for (const image of result.images ?? []) {
      if (!image.imageId?.imageDigest || image.imageManifest === undefined) continue
      images.push({
        registryId: image.registryId ?? repository.registryId ?? '',
        digest: image.imageId.imageDigest,
        manifest: image.imageManifest,
        ...(image.imageId.imageTag !== undefined && { tag: image.imageId.imageTag }),
        ...(image.imageManifestMediaType && { mediaType: image.imageManifestMediaType })
      })
    }
    for (const failure of result.failures ?? []) {
      failures.push({
        ...(failure.imageId?.imageTag !== undefined && { tag: failure.imageId.imageTag }),
        ...(failure.imageId?.imageDigest !== undefined && { digest: failure.imageId.imageDigest }),
        code: failure.failureCode ?? 'Unknown',
        reason: failure.failureReason ?? ''
      })
    }
  }
  return { images, failures }
}

/**
 * The digest of each tag among the images BatchGetImage found; null for a tag it did not find. Any
 * other failure leaves the tag's state unknown, and nothing may be planned on an unknown state.
 */
function tagsFound(answer: ImageAnswer, tags: string[], repository: RepositoryRef): TagDigests {
  const found = new Map(
    answer.images
      .filter((image) => image.tag !== undefined)
      .map((image) => [image.tag!, image.digest])
  )
  return new Map(
    tags.map((tag) => {
      const failure = found.has(tag)
        ? undefined
        : answer.failures.find(
            (candidate) => candidate.tag === tag && candidate.code !== 'ImageNotFound'
          )
      if (failure) {
        throw new ExplainedError(
          `Cannot read the current state of tag "${tag}" in repository ${describeRepository(repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}. Nothing was written.`
        )
      }
      return [tag, found.get(tag) ?? null]
    })
  )
}

/** The findings of one page, basic or enhanced, reduced to what the gate judges and says. */
function findingsOf(page: DescribeImageScanFindingsCommandOutput): ScanFinding[] {
  const findings = page.imageScanFindings
  const defined = <T extends object>(fields: T) =>
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value)) as Partial<T>
  return [
    ...(findings?.findings ?? []).map((finding) => {
      const attribute = (key: string) => finding.attributes?.find((a) => a.key === key)?.value
      return {
        id: finding.name ?? '',
        severity: finding.severity ?? 'UNDEFINED',
        ...defined({
          package: attribute('package_name'),
          version: attribute('package_version'),
          url: finding.uri
        })
      }
    }),
    ...(findings?.enhancedFindings ?? []).map((finding) => {
      const details = finding.packageVulnerabilityDetails
      const vulnerable = details?.vulnerablePackages?.[0]
      return {
        id: details?.vulnerabilityId ?? finding.title ?? '',
        severity: finding.severity ?? 'UNTRIAGED',
        ...defined({
          fixAvailable: finding.fixAvailable,
          package: vulnerable?.name,
          version: vulnerable?.version,
          // Inspector says NotAvailable where no version fixes it.
          fixedIn:
            vulnerable?.fixedInVersion === 'NotAvailable' ? undefined : vulnerable?.fixedInVersion,
          url: details?.sourceUrl ?? finding.remediation?.recommendation?.url
        })
      }
    })
  ]
}

/** The encryption types CreateRepository takes, as the SDK names them. */
const ENCRYPTION_TYPES = ['AES256', 'KMS', 'KMS_DSSE'] as const

const idKey = (id: ImageId): string =>
  id.tag !== undefined ? `tag:${id.tag}` : `digest:${id.digest}`

const COMMANDS = {
  BatchDeleteImage: BatchDeleteImageCommand,
  PutImage: PutImageCommand,
  BatchCheckLayerAvailability: BatchCheckLayerAvailabilityCommand,
  InitiateLayerUpload: InitiateLayerUploadCommand,
  UploadLayerPart: UploadLayerPartCommand,
  CompleteLayerUpload: CompleteLayerUploadCommand,
  DescribeImages: DescribeImagesCommand
}

/** An ECRClient per region, made on first use. */
function clientsByRegion(transport: Transport): (region: string) => ECRClient {
  const clients = new Map<string, ECRClient>()
  return (region) => {
    let existing = clients.get(region)
    if (!existing) {
      existing = new ECRClient(transport.clientConfig(region))
      clients.set(region, existing)
    }
    return existing
  }
}

export interface PrivateEcrOptions {
  download: DownloadOptions
  stopWrites?: AbortSignal
  endpoints?: Endpoints
}

export class PrivateEcr extends SharedWrites implements Registry {
  private readonly download: DownloadOptions
  private readonly mounter: BlobMounter
  /** The caller's repository creation templates, by region: each region's read once. */
  private readonly templates = new Map<
    string,
    Promise<DescribeRepositoryCreationTemplatesCommandOutput[]>
  >()

  constructor(transport: Transport, options: PrivateEcrOptions) {
    super(
      new Service(transport, {
        name: 'ECR',
        client: clientsByRegion(transport),
        endpoint: (region) => endpointOf('ECR', region, options.endpoints),
        ...(options.stopWrites && { stopWrites: options.stopWrites })
      }),
      COMMANDS
    )
    this.download = options.download
    this.mounter = new BlobMounter(this.service)
  }

  mountBlob(
    target: RepositoryRef,
    source: RepositoryRef,
    digest: string
  ): Promise<'mounted' | 'not-mounted' | Unsupported> {
    return this.mounter.mount(target, source, digest)
  }

  async writableRegistryId(repository: RepositoryRef): Promise<string | undefined> {
    return repository.registryId
  }

  async getImages(repository: RepositoryRef, ids: ImageId[]): Promise<ImageAnswer> {
    const unique = [...new Map(ids.map((id) => [idKey(id), id])).values()]
    const results = await Promise.all(
      chunk(unique, BATCH_LIMIT).map((batch) =>
        this.service.send(
          repository,
          new BatchGetImageCommand({
            ...inRepository(repository),
            imageIds: batch.map((id) => ({
              ...(id.tag !== undefined && { imageTag: id.tag }),
              ...(id.digest !== undefined && { imageDigest: id.digest })
            })),
            acceptedMediaTypes: ACCEPTED_MEDIA_TYPES
          }),
          { about: `(${batch.length} ids)` }
        )
      )
    )
    return collect(results, repository)
  }

  async tagDigests(repository: RepositoryRef, tags: string[]): Promise<TagDigests> {
    const answer = await this.getImages(
      repository,
      tags.map((tag) => ({ tag }))
    )
    return tagsFound(answer, tags, repository)
  }

  async getImagesAndTags(
    repository: RepositoryRef,
    ids: ImageId[],
    tags: string[]
  ): Promise<ImageAnswer & { tags: TagDigests }> {
    const answer = await this.getImages(repository, [...ids, ...tags.map((tag) => ({ tag }))])
    return { ...answer, tags: tagsFound(answer, tags, repository) }
  }

  async tagMutability(repository: RepositoryRef): Promise<TagMutability> {
    return (await this.repositorySettings(repository)).mutability
  }

  /** DescribeRepositories for one repository: what ECR says of it. */
  private async describe(repository: RepositoryRef): Promise<Repository | undefined> {
    const output = await this.service.send(
      repository,
      new DescribeRepositoriesCommand({
        ...(repository.registryId && { registryId: repository.registryId }),
        repositoryNames: [repository.name]
      })
    )
    return output.repositories?.[0]
  }

  async repositorySettings(repository: RepositoryRef): Promise<RepositorySettings> {
    const found = await this.describe(repository)
    const encryption = found?.encryptionConfiguration
    return {
      mutability: {
        mode: found?.imageTagMutability ?? 'MUTABLE',
        filters: (found?.imageTagMutabilityExclusionFilters ?? [])
          .map((filter) => filter.filter)
          .filter((filter): filter is string => filter !== undefined)
      },
      scanOnPush: found?.imageScanningConfiguration?.scanOnPush === true,
      encryption: {
        type: encryption?.encryptionType ?? 'AES256',
        ...(encryption?.kmsKey && { kmsKey: encryption.kmsKey })
      }
    }
  }

  async creationTemplate(
    repository: RepositoryRef,
    fallback: RepositorySettings
  ): Promise<RepositorySettings | undefined> {
    // Read once per region however many repositories a run creates there.
    let read = this.templates.get(repository.region)
    if (!read) {
      read = allPages((nextToken) =>
        this.service.send(
          repository,
          new DescribeRepositoryCreationTemplatesCommand({ ...(nextToken && { nextToken }) })
        )
      )
      read.catch(() => this.templates.delete(repository.region))
      this.templates.set(repository.region, read)
    }
    const pages = await read
    // The caller's own registry's templates: another account's registry has its own.
    const own = pages[0]?.registryId
    if (repository.registryId !== undefined && own !== undefined && own !== repository.registryId)
      return undefined
    const templates = pages
      .flatMap((page) => page.repositoryCreationTemplates ?? [])
      .filter((template) => template.appliedFor?.includes('CREATE_ON_PUSH'))
    const template =
      templates
        .filter(
          (t) => t.prefix && t.prefix !== 'ROOT' && repository.name.startsWith(`${t.prefix}/`)
        )
        .sort((a, b) => b.prefix!.length - a.prefix!.length)[0] ??
      templates.find((t) => t.prefix === 'ROOT')
    if (!template) return undefined
    const encryption = template.encryptionConfiguration
    return {
      mutability: template.imageTagMutability
        ? {
            mode: template.imageTagMutability,
            filters: (template.imageTagMutabilityExclusionFilters ?? [])
              .map((filter) => filter.filter)
              .filter((filter): filter is string => filter !== undefined)
          }
        : fallback.mutability,
      scanOnPush: fallback.scanOnPush,
      encryption: encryption?.encryptionType
        ? {
            type: encryption.encryptionType,
            ...(encryption.kmsKey && { kmsKey: encryption.kmsKey })
          }
        : fallback.encryption,
      ...(template.resourceTags?.length && {
        tags: template.resourceTags.map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' }))
      }),
      template: template.prefix!,
      notApplied: [
        ...(template.lifecyclePolicy ? ['its lifecycle policy'] : []),
        ...(template.repositoryPolicy ? ['its repository policy'] : [])
      ]
    }
  }

  async createRepository(
    repository: RepositoryRef,
    settings: RepositorySettings
  ): Promise<'created' | 'created-unheard' | 'exists'> {
    const { mode, filters } = settings.mutability
    const encryptionType = ENCRYPTION_TYPES.find((type) => type === settings.encryption.type)
    if (!encryptionType)
      throw new EcrError(
        'UnknownEncryptionType',
        `${describeRepository(repository)} cannot be created with encryption ${settings.encryption.type}, which this action does not know; create it by hand.`
      )
    const sentAt = Date.now()
    try {
      await this.service.send(
        repository,
        new CreateRepositoryCommand({
          ...inRepository(repository),
          imageTagMutability: mode,
          ...(filters.length > 0 && {
            imageTagMutabilityExclusionFilters: filters.map((filter) => ({
              filterType: 'WILDCARD',
              filter
            }))
          }),
          imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
          ...(settings.tags && {
            tags: settings.tags.map((tag) => ({ Key: tag.key, Value: tag.value }))
          }),
          encryptionConfiguration: {
            encryptionType,
            ...(settings.encryption.kmsKey && { kmsKey: settings.encryption.kmsKey })
          }
        }),
        { write: true }
      )
      return 'created'
    } catch (error) {
      if (!(error instanceof EcrError && error.code === 'RepositoryAlreadyExistsException'))
        throw error
      // A retry that finds it may have found what an attempt whose answer was lost created.
      return error.unanswered > 0 && (await this.createdSince(repository, sentAt))
        ? 'created-unheard'
        : 'exists'
    }
  }

  /**
   * Whether the repository was created no earlier than `sentAt` (by ECR's clock, allowing for a
   * runner's): by the call sent then. False when its creation time cannot be read.
   */
  private async createdSince(repository: RepositoryRef, sentAt: number): Promise<boolean> {
    const found = await this.describe(repository).catch(() => undefined)
    return madeSince(found?.createdAt?.getTime(), sentAt)
  }

  async presentImages(repository: RepositoryRef, digests: string[]): Promise<Set<string>> {
    const { images } = await this.getImages(
      repository,
      digests.map((digest) => ({ digest }))
    )
    return new Set(images.map((image) => image.digest))
  }

  async readBlob(repository: RepositoryRef, digest: string): Promise<AsyncIterable<Uint8Array>> {
    const service = this.service
    return downloadBlob(
      service.transport,
      `blob ${digest} from ${describeRepository(repository)}`,
      service.target(repository, 'GetLayer'),
      // A fresh presigned URL whenever the last one was refused: it may have expired.
      async () => {
        const output = await service.send(
          repository,
          new GetDownloadUrlForLayerCommand({ ...inRepository(repository), layerDigest: digest }),
          { about: digest }
        )
        if (!output.downloadUrl)
          throw new EcrError('MissingDownloadUrl', `ECR gave no download URL for ${digest}`)
        return { url: output.downloadUrl }
      },
      this.download
    )
  }

  async scan(
    repository: RepositoryRef,
    digest: string,
    allFindings: boolean
  ): Promise<ImageScan | 'never-scanned'> {
    let pages: DescribeImageScanFindingsCommandOutput[]
    try {
      pages = await allPages(
        (nextToken) =>
          this.service.send(
            repository,
            new DescribeImageScanFindingsCommand({
              ...inRepository(repository),
              imageId: { imageDigest: digest },
              maxResults: 1000,
              ...(nextToken && { nextToken })
            }),
            { about: digest }
          ),
        () => allFindings
      )
    } catch (error) {
      if (error instanceof EcrError && error.code === 'ScanNotFoundException')
        return 'never-scanned'
      throw error
    }
    return scanOf(pages)
  }

  async imageDetails(repository: RepositoryRef, ids: ImageId[]): Promise<Map<string, ImageDetail>> {
    const details = new Map<string, ImageDetail>()
    await Promise.all(
      chunk(ids, BATCH_LIMIT).map(async (batch) => {
        const output = await this.service
          .send(
            repository,
            new DescribeImagesCommand({
              ...inRepository(repository),
              imageIds: batch.map((id) =>
                id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }
              ),
              // Archived and restoring images are left out unless asked for.
              filter: { imageStatus: 'ANY' }
            }),
            { about: `(${batch.length} image(s), any status)` }
          )
          .catch(imageNotFound)
        for (const detail of output?.imageDetails ?? [])
          if (detail.imageDigest)
            details.set(detail.imageDigest, {
              status: (detail.imageStatus as ImageStatus | undefined) ?? 'ACTIVE',
              tagCount: detail.imageTags?.length ?? 0,
              ...(detail.imagePushedAt && { pushedAt: detail.imagePushedAt.getTime() })
            })
      })
    )
    return details
  }

  async signingRules(repository: RepositoryRef): Promise<SigningRule[] | undefined> {
    try {
      // The caller's own registry in the region: the call names no repository.
      const output = await this.service.send(
        { name: '', region: repository.region },
        new GetSigningConfigurationCommand({})
      )
      return (output.signingConfiguration?.rules ?? []).map((rule) => ({
        profileArn: rule.signingProfileArn ?? '',
        filters: (rule.repositoryFilters ?? []).map((filter) => filter.filter ?? '')
      }))
    } catch (error) {
      if (error instanceof EcrError && error.code === 'SigningConfigurationNotFoundException')
        return undefined
      throw error
    }
  }

  async lifecyclePolicy(repository: RepositoryRef): Promise<string | undefined> {
    try {
      const output = await this.service.send(
        repository,
        new GetLifecyclePolicyCommand(inRepository(repository))
      )
      return output.lifecyclePolicyText
    } catch (error) {
      if (error instanceof EcrError && error.code === 'LifecyclePolicyNotFoundException')
        return undefined
      throw error
    }
  }

  async listImages(repository: RepositoryRef): Promise<ListedImage[]> {
    const pages = await allPages((nextToken) =>
      this.service.send(
        repository,
        new DescribeImagesCommand({
          ...inRepository(repository),
          filter: { imageStatus: 'ANY' },
          maxResults: 1000,
          ...(nextToken && { nextToken })
        }),
        { about: '(every image)' }
      )
    )
    return pages.flatMap((page) =>
      (page.imageDetails ?? []).flatMap((detail) =>
        detail.imageDigest
          ? [
              {
                digest: detail.imageDigest,
                tags: detail.imageTags ?? [],
                pushedAt: detail.imagePushedAt?.getTime() ?? 0,
                ...(detail.lastRecordedPullTime && {
                  lastPulledAt: detail.lastRecordedPullTime.getTime()
                }),
                status: (detail.imageStatus as ImageStatus | undefined) ?? 'ACTIVE'
              }
            ]
          : []
      )
    )
  }

  async restoreImage(repository: RepositoryRef, digest: string): Promise<ImageStatus> {
    const output = await this.service.send(
      repository,
      new UpdateImageStorageClassCommand({
        ...inRepository(repository),
        imageId: { imageDigest: digest },
        targetStorageClass: 'STANDARD'
      }),
      { about: digest, write: true }
    )
    return (output.imageStatus as ImageStatus | undefined) ?? 'ACTIVATING'
  }

  async signingStatuses(repository: RepositoryRef, digest: string): Promise<SigningStatus[]> {
    const output = await this.service.send(
      repository,
      new DescribeImageSigningStatusCommand({
        ...inRepository(repository),
        imageId: { imageDigest: digest }
      }),
      { about: digest }
    )
    return (output.signingStatuses ?? []).map((entry) => ({
      ...(entry.signingProfileArn && { profileArn: entry.signingProfileArn }),
      status: entry.status ?? 'UNKNOWN',
      ...(entry.failureCode && { failureCode: entry.failureCode }),
      ...(entry.failureReason && { failureReason: entry.failureReason })
    }))
  }

  async listReferrers(repository: RepositoryRef, digest: string): Promise<Referrer[]> {
    const pages = await allPages((nextToken) =>
      this.service.send(
        repository,
        new ListImageReferrersCommand({
          ...inRepository(repository),
          subjectId: { imageDigest: digest },
          // Archived referrers too, which are otherwise left out: the caller decides about them.
          filter: { artifactStatus: 'ANY' },
          maxResults: 50,
          ...(nextToken && { nextToken })
        }),
        { about: digest }
      )
    )
    const referrers: Referrer[] = []
    for (const referrer of pages.flatMap((page) => page.referrers ?? [])) {
      if (!referrer.digest || !referrer.mediaType) continue
      referrers.push({
        digest: referrer.digest,
        mediaType: referrer.mediaType,
        ...(referrer.artifactType && { artifactType: referrer.artifactType }),
        ...(referrer.artifactStatus && { status: referrer.artifactStatus as ImageStatus })
      })
    }
    return referrers
  }
}

/** A scan's pages as one ImageScan: the first page's status and counts, every page's findings. */
function scanOf(pages: DescribeImageScanFindingsCommandOutput[]): ImageScan {
  const first = pages[0]!
  const findings = first.imageScanFindings
  return {
    status: first.imageScanStatus?.status ?? 'UNKNOWN',
    ...(first.imageScanStatus?.description && {
      description: first.imageScanStatus.description
    }),
    severityCounts: { ...findings?.findingSeverityCounts },
    findings: pages.flatMap(findingsOf),
    ...(findings?.imageScanCompletedAt && { completedAt: findings.imageScanCompletedAt }),
    ...(findings?.vulnerabilitySourceUpdatedAt && {
      sourceUpdatedAt: findings.vulnerabilitySourceUpdatedAt
    })
  }
}
