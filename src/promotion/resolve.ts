// Resolve: read the source image and the current state of every target tag, in as few round trips
// as the registry allows, and verify the source's bytes against its digest. Reads only.
import {
  describeRepository,
  isSameRepository,
  verifyManifest,
  type ManifestNode,
  type RepositoryRef,
  type SettledRepository
} from '../oci/index.js'
import {
  ExplainedError,
  explainedRead,
  type FetchedImage,
  type ImageAnswer,
  type ImageFailure,
  type ImageId,
  type Registry,
  type TagDigests
} from '../registry/index.js'

export interface SourceImage extends ManifestNode {
  /** The repository, with the registry id the registry answered for. */
  repository: SettledRepository
}

export interface Resolution {
  source: SourceImage
  /** The target repository, with its registry id settled. */
  target: SettledRepository
  /** Each requested tag's current digest in the target, or null when the tag does not exist. */
  currentTags: TagDigests
}

export interface ResolveRequest {
  source: RepositoryRef
  target: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  expectedDigest?: string
  tags: string[]
}

function failureText(failure: ImageFailure): string {
  return `${failure.code}${failure.reason ? ` (${failure.reason})` : ''}`
}

function sourceFailure(failure: ImageFailure, repository: RepositoryRef): ExplainedError {
  const what = failure.tag !== undefined ? `tag "${failure.tag}"` : `digest ${failure.digest}`
  if (failure.code === 'ImageNotFound') {
    return new ExplainedError(
      `Source image not found: there is no image with ${what} in repository ${describeRepository(repository)}. Check source-tag/source-digest and the repository, registry and region.`
    )
  }
  return new ExplainedError(
    `Cannot read the source image with ${what} in repository ${describeRepository(repository)}: ${failureText(failure)}.`
  )
}

/** The source answer, the target's tags, and the registry a write would land in, read at once. */
interface State {
  answer: ImageAnswer
  tags: TagDigests
  targetRegistryId: string | undefined
}

async function readState(
  registry: Registry,
  request: ResolveRequest,
  ids: ImageId[]
): Promise<State> {
  const { source, target, tags } = request
  const targetRegistryId = registry.writableRegistryId(target).catch(explainedRead(target))
  const reads = isSameRepository(source, target)
    ? registry
        .getImagesAndTags(source, ids, tags)
        .catch(explainedRead(source))
        .then((answer) => [answer, answer.tags] as const)
    : Promise.all([
        registry.getImages(source, ids).catch(explainedRead(source)),
        registry.tagDigests(target, tags).catch(explainedRead(target))
      ])
  reads.catch(() => {})
  // A registry that is not the caller's explains every other failure in it: report it first.
  const registryId = await targetRegistryId
  const [answer, current] = await reads
  return { answer, tags: current, targetRegistryId: registryId }
}

/** The image each source id names; tag and digest, when both are given, must agree. */
function pickSource(request: ResolveRequest, ids: ImageId[], answer: ImageAnswer): FetchedImage {
  const found = ids.map((id) => {
    const image = answer.images.find((candidate) =>
      id.tag !== undefined ? candidate.tag === id.tag : candidate.digest === id.digest
    )
    if (image) return image
    const failure = answer.failures.find((candidate) =>
      id.tag !== undefined
        ? candidate.tag === id.tag
        : candidate.digest === id.digest && candidate.tag === undefined
    )
    throw sourceFailure(failure ?? { ...id, code: 'ImageNotFound', reason: '' }, request.source)
  })
  const [first, second] = found
  if (first && second && first.digest !== second.digest) {
    throw new ExplainedError(
      `source-tag "${request.sourceTag}" points at ${first.digest}, but source-digest is ${second.digest}. They must name the same image; nothing was written.`
    )
  }
  return (second ?? first)!
}

/**
 * Reads the source image and the current digest of every target tag (one BatchGetImage when they
 * live in the same repository, two in parallel otherwise; for an ECR Public target its API's tag
 * state beside the alias check), and verifies the source's bytes against its digest.
 */
export async function resolveSource(
  registry: Registry,
  request: ResolveRequest
): Promise<Resolution> {
  const ids: ImageId[] = [
    ...(request.sourceTag !== undefined ? [{ tag: request.sourceTag }] : []),
    ...(request.sourceDigest !== undefined ? [{ digest: request.sourceDigest }] : [])
  ]
  const state = await readState(registry, request, ids)
  const image = pickSource(request, ids, state.answer)
  const node = verifyManifest(image, `source image ${image.digest}`)
  if (request.expectedDigest !== undefined && node.digest !== request.expectedDigest) {
    throw new ExplainedError(
      `expected-digest guard: the source resolves to ${node.digest}, not ${request.expectedDigest}. Nothing was written.`
    )
  }
  const sourceRegistryId = image.registryId || request.source.registryId || ''
  // The target defaults to the source's registry, so an unnamed one is the caller's, like the source's.
  const target = {
    ...request.target,
    registryId: state.targetRegistryId ?? request.target.registryId ?? sourceRegistryId
  }
  return {
    source: { ...node, repository: { ...request.source, registryId: sourceRegistryId } },
    target,
    currentTags: state.tags
  }
}
