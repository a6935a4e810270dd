// Resolve: read every source image and the current state of every target tag, in as few round
// trips as the registry allows (one BatchGetImage per source repository, its sources and target
// tags together), with each target's tag mutability beside them; verify every source against its
// digest. Reads only. A problem with one image is kept with that image, so all are reported at once.
import {
  describeRepository,
  isSameRepository,
  verifyManifest,
  ManifestError,
  type RepositoryRef
} from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  explainedRead,
  isUnsupported,
  redact,
  type FetchedImage,
  type ImageAnswer,
  type ImageFailure,
  type ImageDetail,
  type ImageId,
  type ImageStatus,
  type Registry,
  type RepositorySettings,
  type TagDigests,
  type TagMutability
} from '../registry/index.js'
import { ArchivedRefusal, ensureActive, notActive, type ArchiveOptions } from './archive.js'
import { TAG_LIMIT } from './plan.js'
import { failure, refusal } from './problems.js'
import type { ImageRecord, ImageRequest } from './types.js'

const keyOf = (repository: RepositoryRef): string =>
  [
    repository.publicAlias ?? '',
    repository.registryId ?? '',
    repository.region,
    repository.name
  ].join('|')

const idsOf = (request: ImageRequest): ImageId[] => [
  ...(request.sourceTag !== undefined ? [{ tag: request.sourceTag }] : []),
  ...(request.sourceDigest !== undefined ? [{ digest: request.sourceDigest }] : [])
]

/** What one repository is asked: the sources in it and the target tags in it, in one read. */
interface RepositoryRead {
  repository: RepositoryRef
  ids: ImageId[]
  tags: Set<string>
  answer?: Promise<ImageAnswer & { tags: TagDigests }>
}

/** A guard that refused the image as designed: the run is refused, not failed. */
class GuardRefusal extends ExplainedError {
  readonly title: string
  constructor(title: string, message: string) {
    super(message)
    this.title = title
  }
}

function failureText(failure: ImageFailure): string {
  return `${failure.code}${failure.reason ? ` (${redact(failure.reason)})` : ''}`
}

function sourceFailure(failure: ImageFailure, repository: RepositoryRef): string {
  const what = failure.tag !== undefined ? `tag "${failure.tag}"` : `digest ${failure.digest}`
  return failure.code === 'ImageNotFound'
    ? `Source image not found: there is no image with ${what} in repository ${describeRepository(repository)}. Check the source's tag or digest and the repository, registry and region.`
    : `Cannot read the source image with ${what} in repository ${describeRepository(repository)}: ${failureText(failure)}.`
}

/** The image the request's ids name; tag and digest, when both are given, must agree. */
function pickSource(request: ImageRequest, answer: ImageAnswer): FetchedImage {
  const found = idsOf(request).map((id) => {
    const image = answer.images.find((candidate) =>
      id.tag !== undefined ? candidate.tag === id.tag : candidate.digest === id.digest
    )
    if (image) return image
    const failure = answer.failures.find((candidate) =>
      id.tag !== undefined
        ? candidate.tag === id.tag
        : candidate.digest === id.digest && candidate.tag === undefined
    )
    const found = failure ?? { ...id, code: 'ImageNotFound', reason: '' }
    throw new ExplainedError(sourceFailure(found, request.source), false, found.code)
  })
  const [first, second] = found
  if (first && second && first.digest !== second.digest) {
    throw new GuardRefusal(
      'Source tag and digest disagree',
      `The source tag "${request.sourceTag}" points at ${first.digest}, but the source digest is ${second.digest}. They must name the same image.`
    )
  }
  return (second ?? first)!
}

/** A promise whose failure is kept as a value, so one image's problem never hides another's. */
function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error })
  )
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/** Everything the run reads before it plans, started at once. */
function startReads(registry: Registry, requests: ImageRequest[]) {
  const reads = new Map<string, RepositoryRead>()
  const read = (repository: RepositoryRef): RepositoryRead => {
    const key = keyOf(repository)
    let existing = reads.get(key)
    if (!existing) reads.set(key, (existing = { repository, ids: [], tags: new Set() }))
    return existing
  }
  for (const request of requests) {
    read(request.source).ids.push(...idsOf(request))
    for (const tag of request.tags) read(request.target).tags.add(tag)
  }
  for (const entry of reads.values()) {
    const { repository } = entry
    entry.answer = (
      entry.ids.length > 0
        ? registry.getImagesAndTags(repository, entry.ids, [...entry.tags])
        : registry.tagDigests(repository, [...entry.tags]).then((tags) => ({
            images: [],
            failures: [],
            tags
          }))
    ).catch(explainedRead(repository))
    entry.answer.catch(() => {})
  }
  // What DescribeImages says of each source, read beside the rest, by its own id: whether it is
  // archived (BatchGetImage may fail for it, or, as ECR's behaviour is not settled, return it), and
  // within one repository how many tags it carries, for ECR's tag limit. ECR Public archives
  // nothing: there only the count is read.
  const details = new Map<string, ReturnType<typeof settle<Map<string, ImageDetail> | number>>>()
  const detailOf = (request: ImageRequest) => {
    const [id] = idsOf(request).reverse()
    if (!id) return undefined
    const sameRepository = isSameRepository(request.source, request.target)
    const isPublic = request.source.publicAlias !== undefined
    if (isPublic && (request.tags.length === 0 || !sameRepository)) return undefined
    const key = `${keyOf(request.source)}|${id.digest ?? `:${id.tag}`}`
    let read = details.get(key)
    if (!read) {
      read = settle<Map<string, ImageDetail> | number>(
        isPublic
          ? registry.tagCount(request.source, id)
          : registry
              .imageDetails(request.source, [id])
              .then((answer) => (isUnsupported(answer) ? new Map() : answer))
      )
      details.set(key, read)
    }
    return read
  }
  for (const request of requests) void detailOf(request)
  const countOf = async (request: ImageRequest): Promise<{ value?: number; error?: unknown }> => {
    if (request.tags.length === 0 || !isSameRepository(request.source, request.target)) return {}
    const read = await detailOf(request)
    if (!read) return {}
    if ('error' in read) return { error: read.error }
    const { value } = read
    return { value: typeof value === 'number' ? value : ([...value.values()][0]?.tagCount ?? 0) }
  }
  const inactiveOf = async (
    request: ImageRequest
  ): Promise<{ parts: Map<string, ImageStatus>; error?: unknown }> => {
    const read = await detailOf(request)
    if (read && 'error' in read) return { parts: new Map(), error: read.error }
    if (!read || typeof read.value === 'number') return { parts: new Map() }
    return { parts: notActive(read.value) }
  }
  const targets = new Map(requests.map((request) => [keyOf(request.target), request.target]))
  const perTarget = <T>(read: (target: RepositoryRef) => Promise<T>) =>
    new Map([...targets].map(([key, target]) => [key, settle(read(target))]))
  return {
    reads,
    countOf,
    inactiveOf,
    registryIds: perTarget((target) =>
      registry.writableRegistryId(target).catch(explainedRead(target))
    ),
    mutability: perTarget((target) => registry.tagMutability(target))
  }
}

/** Why ECR's tag limit is checked only at the write: the image's tags could not be counted. */
export function tagCountUnread(target: RepositoryRef, error: unknown): string {
  return `The tags an image carries in ${describeRepository(target)} could not be counted (${messageOf(error)}), so ECR's limit of ${TAG_LIMIT} tags per image is checked only when the tags are written. Grant ecr:DescribeImages (docs/iam.md) to have it checked before any write.`
}

/** Why an archived source would be found only when it cannot be read. */
function archiveUnread(source: RepositoryRef, error: unknown): string {
  return `Whether images in ${describeRepository(source)} are archived could not be read (${messageOf(error)}), so an archived source is found only when it cannot be read. Grant ecr:DescribeImages on the source (docs/iam.md).`
}

const NOT_FOUND: Record<string, string> = {
  RepositoryNotFoundException: 'repository not found',
  ImageNotFound: 'image not found',
  ImageNotFoundException: 'image not found'
}

/** An image that could not be resolved: refused by a guard, or failed, with what and where. */
function unresolved(
  request: ImageRequest,
  error: ExplainedError | ManifestError,
  side: 'source' | 'target'
): ImageRecord {
  if (error instanceof GuardRefusal || error instanceof ArchivedRefusal)
    return { request, problem: refusal(error.title, error.message) }
  const retryable = error instanceof ExplainedError && error.retryable
  const notFound = error instanceof ExplainedError ? NOT_FOUND[error.code ?? ''] : undefined
  const sameRepository = keyOf(request.source) === keyOf(request.target)
  const where = side === 'target' && !sameRepository ? 'Target' : 'Source'
  // A missing target can be created in the same step: say how.
  const create =
    where === 'Target' &&
    error instanceof ExplainedError &&
    error.code === 'RepositoryNotFoundException'
      ? request.target.publicAlias === undefined
        ? " Set create-repository: true to create it with the source repository's settings, or create it first."
        : ' Create it first: create-repository does not create ECR Public repositories.'
      : ''
  const message =
    (where === 'Target' && !error.message.startsWith('Target')
      ? `Target: ${error.message}`
      : error.message) + create
  return {
    request,
    problem: failure(notFound ? `${where} ${notFound}` : 'Not resolved', message, retryable)
  }
}

/**
 * The settings a missing target repository is created with, when `create-repository` asks for it:
 * the registry's creation template where one applies to its name, otherwise the source
 * repository's (ECR's defaults where it has none to read, as ECR Public). Undefined when the
 * failed read is something else, or the target cannot be created here.
 */
async function toCreate(
  registry: Registry,
  request: ImageRequest,
  error: unknown,
  { enabled, warn }: { enabled: boolean; warn: (message: string) => void }
): Promise<RepositorySettings | undefined> {
  const missing = error instanceof ExplainedError && error.code === 'RepositoryNotFoundException'
  if (!enabled || !missing || request.target.publicAlias !== undefined) return undefined
  if (keyOf(request.source) === keyOf(request.target)) return undefined
  const read = await registry
    .repositorySettings(request.source)
    .catch(explainedRead(request.source))
  const source = isUnsupported(read) ? DEFAULT_SETTINGS : read
  const template = await registry.creationTemplate(request.target, source).catch((caught) => {
    if (!(caught instanceof EcrError) || caught.kind === 'cancelled') throw caught
    warn(
      `The repository creation templates of ${describeRepository(request.target)}'s registry could not be read (${caught.code}), so it is created with the source repository's settings. Grant ecr:DescribeRepositoryCreationTemplates (docs/iam.md) to have a template that applies respected.`
    )
    return undefined
  })
  return template && !isUnsupported(template) ? template : source
}

/** What ECR gives a repository created with no settings. */
const DEFAULT_SETTINGS: RepositorySettings = {
  mutability: { mode: 'MUTABLE', filters: [] },
  scanOnPush: false,
  encryption: { type: 'AES256' }
}

/** A target's mutability, or why it is not known (said once, as a warning, by the caller). */
function mutabilityOf(
  settled: { value: TagMutability | undefined } | { error: unknown },
  target: RepositoryRef,
  warn: (message: string) => void
): TagMutability | undefined {
  if ('value' in settled) return settled.value
  const error = settled.error
  const denied = error instanceof EcrError && error.code === 'AccessDeniedException'
  warn(
    denied
      ? `ecr:DescribeRepositories is denied on ${describeRepository(target)}, so its tag mutability is not known: an immutable tag at another digest will be found only when it is written. Grant ecr:DescribeRepositories (docs/iam.md) to have it refused before any write.`
      : `The tag mutability of ${describeRepository(target)} could not be read (${messageOf(error)}): an immutable tag at another digest will be found only when it is written.`
  )
  return undefined
}

/**
 * The source as read, once it is ACTIVE: an archived (or restoring) source is refused, or with
 * restore-archived restored and read again; its manifest is never written while it is archived.
 */
async function activeSource(
  registry: Registry,
  request: ImageRequest,
  answer: ImageAnswer,
  { parts, error }: { parts: Map<string, ImageStatus>; error?: unknown },
  { archive, warn }: { archive: ArchiveOptions; warn: (message: string) => void }
): Promise<FetchedImage> {
  // Within one repository the tag count's warning says the same read failed.
  if (error !== undefined && !isSameRepository(request.source, request.target))
    warn(archiveUnread(request.source, error))
  if (parts.size === 0) return pickSource(request, answer)
  await ensureActive(registry, request.name, request.source, parts, archive)
  const again = await registry
    .getImages(request.source, idsOf(request))
    .catch(explainedRead(request.source))
  return pickSource(request, again)
}

/**
 * Resolves every image of the request. The reads of all images run at once, and a failure of one
 * repository's read becomes the problem of the images that needed it.
 */
export async function resolveImages(
  registry: Registry,
  requests: ImageRequest[],
  warn: (message: string) => void,
  options: { createRepository?: boolean; archive: ArchiveOptions }
): Promise<ImageRecord[]> {
  const warned = new Set<string>()
  const warnOnce = (message: string): void => {
    if (!warned.has(message)) warn(message)
    warned.add(message)
  }
  const { reads, countOf, inactiveOf, registryIds, mutability } = startReads(registry, requests)
  const results: ImageRecord[] = []
  for (const request of requests) {
    const targetKey = keyOf(request.target)
    // A registry that is not the caller's explains every other failure in it: report it first.
    const registryId = await registryIds.get(targetKey)!
    const [source, target] = await Promise.all([
      settle(reads.get(keyOf(request.source))!.answer!),
      settle(reads.get(targetKey)!.answer!)
    ])
    // Which side a failed read was: the source's repository, or the target's (when it is another).
    let side: 'source' | 'target' = 'target'
    try {
      if ('error' in registryId) throw registryId.error
      side = 'source'
      if ('error' in source) throw source.error
      side = 'target'
      const create =
        'error' in target
          ? await toCreate(registry, request, target.error, {
              enabled: options.createRepository === true,
              warn: warnOnce
            })
          : undefined
      if ('error' in target && !create) throw target.error
      side = 'source'
      const image = await activeSource(registry, request, source.value, await inactiveOf(request), {
        archive: options.archive,
        warn: warnOnce
      })
      const node = verifyManifest(image, `source image ${image.digest}`)
      if (request.expectedDigest !== undefined && node.digest !== request.expectedDigest) {
        throw new GuardRefusal(
          'Expected digest',
          `expected-digest guard: ${request.name} resolves to ${node.digest}, not ${request.expectedDigest}.`
        )
      }
      const sourceRegistryId = image.registryId || request.source.registryId || ''
      const tagCount = await countOf(request)
      if ('error' in tagCount) warnOnce(tagCountUnread(request.target, tagCount.error))
      // A repository still to be created will have the mutability it is created with.
      const settledMutability = create
        ? create.mutability
        : mutabilityOf(await mutability.get(targetKey)!, request.target, warnOnce)
      const tags = 'value' in target ? target.value.tags : new Map<string, string | null>()
      results.push({
        request,
        source: { ...node, repository: { ...request.source, registryId: sourceRegistryId } },
        // The target defaults to the source's registry: an unnamed one is the caller's, as the source's.
        target: {
          ...request.target,
          registryId: registryId.value ?? request.target.registryId ?? sourceRegistryId
        },
        currentTags: new Map(request.tags.map((tag) => [tag, tags.get(tag) ?? null])),
        ...(settledMutability && { mutability: settledMutability }),
        ...('value' in tagCount && tagCount.value !== undefined && { tagCount: tagCount.value }),
        ...(create && { createTarget: create })
      })
    } catch (error) {
      if (!(error instanceof ExplainedError || error instanceof ManifestError)) throw error
      results.push(unresolved(request, error, side))
    }
  }
  return results
}
