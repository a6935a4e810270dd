// Private Amazon ECR through its API: the Registry operations for a repository in an account's
// registry, one SDK client per region.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CompleteLayerUploadCommand,
  DescribeImageScanFindingsCommand,
  DescribeImageSigningStatusCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand,
  InitiateLayerUploadCommand,
  ListImageReferrersCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type BatchGetImageCommandOutput,
  type DescribeImageScanFindingsCommandOutput,
  type DescribeImageSigningStatusCommandOutput,
  type DescribeRepositoriesCommandOutput,
  type ListImageReferrersCommandOutput
} from '@aws-sdk/client-ecr'
import { ACCEPTED_MEDIA_TYPES, describeRepository, type RepositoryRef } from '../oci/index.js'
import type {
  FetchedImage,
  ImageAnswer,
  ImageScan,
  ScanFinding,
  ImageFailure,
  ImageId,
  Referrer,
  Registry,
  TagDigests,
  TagMutability
} from './api.js'
import { downloadBlob, type DownloadOptions } from './blob-download.js'
import { EcrError, ExplainedError } from './errors.js'
import type { Endpoints } from './endpoints.js'
import { allPages, createService, endpointOf } from './service.js'
import type { Transport } from './transport.js'
import { BATCH_LIMIT, chunk, inRepository, sharedWrites } from './writes.js'

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

const idKey = (id: ImageId): string =>
  id.tag !== undefined ? `tag:${id.tag}` : `digest:${id.digest}`

export function createPrivateEcr(
  transport: Transport,
  download: DownloadOptions,
  stopWrites?: AbortSignal,
  endpoints: Endpoints = {}
): Registry {
  const clients = new Map<string, ECRClient>()
  const where = describeRepository

  function client(region: string): ECRClient {
    let existing = clients.get(region)
    if (!existing) {
      existing = new ECRClient(transport.clientConfig(region))
      clients.set(region, existing)
    }
    return existing
  }
  const service = createService(
    'ECR',
    transport,
    client,
    (region) => endpointOf('ECR', region, endpoints),
    stopWrites
  )

  async function getImages(repository: RepositoryRef, ids: ImageId[]): Promise<ImageAnswer> {
    const unique = [...new Map(ids.map((id) => [idKey(id), id])).values()]
    const results = await Promise.all(
      chunk(unique, BATCH_LIMIT).map((batch) =>
        service.send<BatchGetImageCommandOutput>(
          `BatchGetImage ${where(repository)} (${batch.length} ids)`,
          repository,
          'BatchGetImage',
          new BatchGetImageCommand({
            ...inRepository(repository),
            imageIds: batch.map((id) => ({
              ...(id.tag !== undefined && { imageTag: id.tag }),
              ...(id.digest !== undefined && { imageDigest: id.digest })
            })),
            acceptedMediaTypes: ACCEPTED_MEDIA_TYPES
          })
        )
      )
    )
    return collect(results, repository)
  }

  const api: Registry = {
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

    writableRegistryId: async (repository) => repository.registryId,

    getImages,

    async tagDigests(repository, tags) {
      return tagsFound(
        await getImages(
          repository,
          tags.map((tag) => ({ tag }))
        ),
        tags,
        repository
      )
    },

    async getImagesAndTags(repository, ids, tags) {
      const answer = await getImages(repository, [...ids, ...tags.map((tag) => ({ tag }))])
      return { ...answer, tags: tagsFound(answer, tags, repository) }
    },

    async tagMutability(repository) {
      const output = await service.send<DescribeRepositoriesCommandOutput>(
        `DescribeRepositories ${where(repository)}`,
        repository,
        'DescribeRepositories',
        new DescribeRepositoriesCommand({
          ...(repository.registryId && { registryId: repository.registryId }),
          repositoryNames: [repository.name]
        })
      )
      const found = output.repositories?.[0]
      return {
        mode: (found?.imageTagMutability ?? 'MUTABLE') as TagMutability['mode'],
        filters: (found?.imageTagMutabilityExclusionFilters ?? [])
          .map((filter) => filter.filter)
          .filter((filter): filter is string => filter !== undefined)
      }
    },

    async presentImages(repository, digests) {
      const { images } = await getImages(
        repository,
        digests.map((digest) => ({ digest }))
      )
      return new Set(images.map((image) => image.digest))
    },

    async readBlob(repository, digest) {
      return downloadBlob(
        transport,
        `blob ${digest} from ${where(repository)}`,
        // A fresh presigned URL whenever the last one was refused: it may have expired.
        async () => {
          const output = await service.send<{ downloadUrl?: string }>(
            `GetDownloadUrlForLayer ${where(repository)} ${digest}`,
            repository,
            'GetDownloadUrlForLayer',
            new GetDownloadUrlForLayerCommand({ ...inRepository(repository), layerDigest: digest })
          )
          if (!output.downloadUrl)
            throw new EcrError('MissingDownloadUrl', `ECR gave no download URL for ${digest}`)
          return { url: output.downloadUrl }
        },
        download
      )
    },

    async scan(repository, digest, allFindings) {
      let pages: DescribeImageScanFindingsCommandOutput[]
      try {
        pages = await allPages(
          (nextToken) =>
            service.send<DescribeImageScanFindingsCommandOutput>(
              `DescribeImageScanFindings ${where(repository)} ${digest}`,
              repository,
              'DescribeImageScanFindings',
              new DescribeImageScanFindingsCommand({
                ...inRepository(repository),
                imageId: { imageDigest: digest },
                maxResults: 1000,
                ...(nextToken && { nextToken })
              })
            ),
          () => allFindings
        )
      } catch (error) {
        if (error instanceof EcrError && error.code === 'ScanNotFoundException')
          return 'never-scanned'
        throw error
      }
      const first = pages[0]!
      const findings = first.imageScanFindings
      const scan: ImageScan = {
        status: first.imageScanStatus?.status ?? 'UNKNOWN',
        ...(first.imageScanStatus?.description && {
          description: first.imageScanStatus.description
        }),
        severityCounts: {
          ...(findings?.findingSeverityCounts as Record<string, number> | undefined)
        },
        findings: pages.flatMap(findingsOf),
        ...(findings?.imageScanCompletedAt && { completedAt: findings.imageScanCompletedAt }),
        ...(findings?.vulnerabilitySourceUpdatedAt && {
          sourceUpdatedAt: findings.vulnerabilitySourceUpdatedAt
        })
      }
      return scan
    },

    async signingStatuses(repository, digest) {
      const output = await service.send<DescribeImageSigningStatusCommandOutput>(
        `DescribeImageSigningStatus ${where(repository)} ${digest}`,
        repository,
        'DescribeImageSigningStatus',
        new DescribeImageSigningStatusCommand({
          ...inRepository(repository),
          imageId: { imageDigest: digest }
        })
      )
      return (output.signingStatuses ?? []).map((entry) => ({
        ...(entry.signingProfileArn && { profileArn: entry.signingProfileArn }),
        status: entry.status ?? 'UNKNOWN',
        ...(entry.failureCode && { failureCode: entry.failureCode }),
        ...(entry.failureReason && { failureReason: entry.failureReason })
      }))
    },

    async listReferrers(repository, digest) {
      const pages = await allPages((nextToken) =>
        service.send<ListImageReferrersCommandOutput>(
          `ListImageReferrers ${where(repository)} ${digest}`,
          repository,
          'ListImageReferrers',
          new ListImageReferrersCommand({
            ...inRepository(repository),
            subjectId: { imageDigest: digest },
            maxResults: 50,
            ...(nextToken && { nextToken })
          })
        )
      )
      const referrers: Referrer[] = []
      for (const referrer of pages.flatMap((page) => page.referrers ?? [])) {
        if (!referrer.digest || !referrer.mediaType) continue
        referrers.push({
          digest: referrer.digest,
          mediaType: referrer.mediaType,
          ...(referrer.artifactType && { artifactType: referrer.artifactType })
        })
      }
      return referrers
    }
  }
  return api
}
