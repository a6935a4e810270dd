import type { EcrApi, FetchedImage, ImageFailure, ImageId } from './ecr.js'
import { EcrError, PromotionError } from './errors.js'
import { explainReadError } from './explain.js'
import type { RepositoryRef } from './inputs.js'
import { inspectManifest, manifestDigest, type ManifestInfo } from './manifest.js'

export interface SourceImage {
  /** The repository, with the registry id ECR answered for. */
  repository: Required<RepositoryRef>
  digest: string
  mediaType: string
  /** The manifest exactly as ECR returned it; its bytes are the digest. */
  manifest: string
  info: ManifestInfo
}

export interface Resolution {
  source: SourceImage
  /** Each requested tag's current digest in the target, or null when the tag does not exist. */
  currentTags: Map<string, string | null>
}

export interface ResolveRequest {
  repository: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  expectedDigest?: string
  tags: string[]
}

function describe(repository: RepositoryRef): string {
  const registry = repository.registryId ? `registry ${repository.registryId}, ` : ''
  return `repository "${repository.name}" (${registry}${repository.region})`
}

function idKey(id: ImageId): string {
  return id.tag !== undefined ? `tag:${id.tag}` : `digest:${id.digest}`
}

function sourceFailure(failure: ImageFailure, repository: RepositoryRef): PromotionError {
  const what = failure.tag !== undefined ? `tag "${failure.tag}"` : `digest ${failure.digest}`
  if (failure.code === 'ImageNotFound') {
    return new PromotionError(
      `Source image not found: there is no image with ${what} in ${describe(repository)}. Check source-tag/source-digest and the repository, registry and region.`
    )
  }
  return new PromotionError(
    `Cannot read the source image with ${what} in ${describe(repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}.`
  )
}

function verifySource(image: FetchedImage, request: ResolveRequest): SourceImage {
  const what = `source image ${image.digest}`
  const info = inspectManifest(image.manifest, image.mediaType, what)
  const computed = manifestDigest(image.manifest, info.mediaType)
  if (computed !== image.digest) {
    throw new PromotionError(
      `The manifest ECR returned for ${what} hashes to ${computed}, not to the digest ECR reported. Nothing was written; writing it would create a different image.`
    )
  }
  if (request.expectedDigest !== undefined && image.digest !== request.expectedDigest) {
    throw new PromotionError(
      `expected-digest guard: the source resolves to ${image.digest}, not ${request.expectedDigest}. Nothing was written.`
    )
  }
  return {
    repository: {
      ...request.repository,
      registryId: image.registryId || request.repository.registryId || ''
    },
    digest: image.digest,
    mediaType: info.mediaType,
    manifest: image.manifest,
    info
  }
}

/**
 * Reads the source image and the current digest of every target tag in one BatchGetImage call
 * (more only past 100 ids), and verifies the source's bytes against its digest.
 */
export async function resolveSource(ecr: EcrApi, request: ResolveRequest): Promise<Resolution> {
  const sourceIds: ImageId[] = []
  if (request.sourceTag !== undefined) sourceIds.push({ tag: request.sourceTag })
  if (request.sourceDigest !== undefined) sourceIds.push({ digest: request.sourceDigest })
  const ids = new Map<string, ImageId>()
  for (const id of [...sourceIds, ...request.tags.map((tag) => ({ tag }))]) ids.set(idKey(id), id)

  const { images, failures } = await ecr
    .getImages(request.repository, [...ids.values()])
    .catch((error: unknown) => {
      throw error instanceof EcrError
        ? new PromotionError(explainReadError(error, describe(request.repository)))
        : error
    })
  const byTag = new Map(
    images.filter((image) => image.tag !== undefined).map((image) => [image.tag!, image])
  )
  const find = (id: ImageId): FetchedImage | undefined =>
    id.tag !== undefined ? byTag.get(id.tag) : images.find((image) => image.digest === id.digest)
  const failureFor = (id: ImageId): ImageFailure | undefined =>
    failures.find((failure) =>
      id.tag !== undefined
        ? failure.tag === id.tag
        : failure.digest === id.digest && failure.tag === undefined
    )

  const found: FetchedImage[] = []
  for (const id of sourceIds) {
    const image = find(id)
    if (!image) {
      const failure = failureFor(id) ?? { ...id, code: 'ImageNotFound', reason: '' }
      throw sourceFailure(failure, request.repository)
    }
    found.push(image)
  }
  const [first, second] = found
  if (first && second && first.digest !== second.digest) {
    throw new PromotionError(
      `source-tag "${request.sourceTag}" points at ${first.digest}, but source-digest is ${second.digest}. They must name the same image; nothing was written.`
    )
  }
  const source = verifySource(second ?? first!, request)

  const currentTags = new Map<string, string | null>()
  for (const tag of request.tags) {
    const image = byTag.get(tag)
    if (image) {
      currentTags.set(tag, image.digest)
      continue
    }
    const failure = failureFor({ tag })
    if (failure && failure.code !== 'ImageNotFound') {
      throw new PromotionError(
        `Cannot read the current state of tag "${tag}" in ${describe(request.repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}. Nothing was written.`
      )
    }
    currentTags.set(tag, null)
  }
  return { source, currentTags }
}
