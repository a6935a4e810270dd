import type { FetchedImage, ImageFailure, ImageId, EcrApi } from './ecr.js'
import { PromotionError } from './errors.js'
import {
  describeRepository,
  explainedRead,
  readImages,
  verifyManifest,
  type ManifestNode
} from './graph.js'
import { isSameRepository, type RepositoryRef, type SettledRepository } from './inputs.js'

export interface SourceImage extends ManifestNode {
  /** The repository, with the registry id ECR answered for. */
  repository: SettledRepository
}

export interface Resolution {
  source: SourceImage
  /** The target repository, with its registry id settled. */
  target: SettledRepository
  /** Each requested tag's current digest in the target, or null when the tag does not exist. */
  currentTags: Map<string, string | null>
}

export interface ResolveRequest {
  source: RepositoryRef
  target: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  expectedDigest?: string
  tags: string[]
}

function idKey(id: ImageId): string {
  return id.tag !== undefined ? `tag:${id.tag}` : `digest:${id.digest}`
}

function failureText(failure: ImageFailure): string {
  return `${failure.code}${failure.reason ? ` (${failure.reason})` : ''}`
}

function sourceFailure(failure: ImageFailure, repository: RepositoryRef): PromotionError {
  const what = failure.tag !== undefined ? `tag "${failure.tag}"` : `digest ${failure.digest}`
  if (failure.code === 'ImageNotFound') {
    return new PromotionError(
      `Source image not found: there is no image with ${what} in ${describeRepository(repository)}. Check source-tag/source-digest and the repository, registry and region.`
    )
  }
  return new PromotionError(
    `Cannot read the source image with ${what} in ${describeRepository(repository)}: ${failureText(failure)}.`
  )
}

interface Answer {
  images: FetchedImage[]
  failures: ImageFailure[]
}

function finder({ images, failures }: Answer) {
  const byTag = new Map(
    images.filter((image) => image.tag !== undefined).map((image) => [image.tag!, image])
  )
  return {
    image: (id: ImageId): FetchedImage | undefined =>
      id.tag !== undefined ? byTag.get(id.tag) : images.find((image) => image.digest === id.digest),
    failure: (id: ImageId): ImageFailure | undefined =>
      failures.find((failure) =>
        id.tag !== undefined
          ? failure.tag === id.tag
          : failure.digest === id.digest && failure.tag === undefined
      )
  }
}

/**
 * Reads the source image and the current digest of every target tag — in one BatchGetImage call
 * when they live in the same repository (more only past 100 ids), in two parallel calls otherwise,
 * and for an ECR Public target from DescribeImageTags beside the alias check — and verifies the
 * source's bytes against its digest.
 */
export async function resolveSource(ecr: EcrApi, request: ResolveRequest): Promise<Resolution> {
  const sourceIds: ImageId[] = []
  if (request.sourceTag !== undefined) sourceIds.push({ tag: request.sourceTag })
  if (request.sourceDigest !== undefined) sourceIds.push({ digest: request.sourceDigest })
  const tagIds = request.tags.map((tag) => ({ tag }))
  const unique = (ids: ImageId[]): ImageId[] => [
    ...new Map(ids.map((id) => [idKey(id), id])).values()
  ]

  const publicTarget = request.target.publicAlias
  let sourceAnswer: Answer
  let targetAnswer: Answer | undefined
  let publicState: { tags: Map<string, string | null>; registryId: string } | undefined
  if (publicTarget !== undefined) {
    // ECR Public: the tags' state from its API, which no CDN caches, and the alias checked to be
    // the caller's, so that no write lands in a registry nobody named.
    const registryId = ecr.publicRegistryId(publicTarget).catch(explainedRead(request.target))
    const reads = Promise.all([
      readImages(ecr, request.source, sourceIds),
      ecr.publicTagDigests(request.target, request.tags).catch(explainedRead(request.target))
    ])
    reads.catch(() => {})
    // A registry that is not the caller's explains every other failure in it: report it first.
    const id = await registryId
    const [answer, tags] = await reads
    sourceAnswer = answer
    publicState = { tags, registryId: id }
  } else if (isSameRepository(request.source, request.target)) {
    sourceAnswer = targetAnswer = await readImages(
      ecr,
      request.source,
      unique([...sourceIds, ...tagIds])
    )
  } else {
    ;[sourceAnswer, targetAnswer] = await Promise.all([
      readImages(ecr, request.source, sourceIds),
      readImages(ecr, request.target, unique(tagIds))
    ])
  }

  const inSource = finder(sourceAnswer)
  const found = sourceIds.map((id) => {
    const image = inSource.image(id)
    if (!image)
      throw sourceFailure(
        inSource.failure(id) ?? { ...id, code: 'ImageNotFound', reason: '' },
        request.source
      )
    return image
  })
  const [first, second] = found
  if (first && second && first.digest !== second.digest) {
    throw new PromotionError(
      `source-tag "${request.sourceTag}" points at ${first.digest}, but source-digest is ${second.digest}. They must name the same image; nothing was written.`
    )
  }
  const image = (second ?? first)!
  const node = verifyManifest(image, `source image ${image.digest}`)
  if (request.expectedDigest !== undefined && node.digest !== request.expectedDigest) {
    throw new PromotionError(
      `expected-digest guard: the source resolves to ${node.digest}, not ${request.expectedDigest}. Nothing was written.`
    )
  }
  const sourceRegistryId = image.registryId || request.source.registryId || ''
  const source: SourceImage = {
    ...node,
    repository: { ...request.source, registryId: sourceRegistryId }
  }
  // The target defaults to the source's registry, so an unnamed one is the caller's, like the source's.
  const target = {
    ...request.target,
    registryId: publicState?.registryId ?? request.target.registryId ?? sourceRegistryId
  }
  if (publicState) return { source, target, currentTags: publicState.tags }

  const inTarget = finder(targetAnswer!)
  const currentTags = new Map<string, string | null>()
  for (const id of tagIds) {
    const current = inTarget.image(id)
    const failure = current ? undefined : inTarget.failure(id)
    if (failure && failure.code !== 'ImageNotFound') {
      throw new PromotionError(
        `Cannot read the current state of tag "${id.tag}" in ${describeRepository(request.target)}: ${failureText(failure)}. Nothing was written.`
      )
    }
    currentTags.set(id.tag, current?.digest ?? null)
  }
  return { source, target, currentTags }
}
