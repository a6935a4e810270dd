// The read stages, before anything is planned or written: resolve, then the gates beside the copy
// survey. Each fills in the images' records; an image a stage cannot get past keeps only its
// request and the stage's problem.
import { surveyCopy } from '../copy/index.js'
import { describeRepository, isSameRepository } from '../oci/index.js'
import { ExplainedError, mapLimit, type ImageStatus } from '../registry/index.js'
import { ArchivedRefusal, ensureActive, inactive, type ArchiveOptions } from './archive.js'
import type { Dependencies } from './dependencies.js'
import {
  evaluateGates,
  isGateRequested,
  realClock,
  trustLoader,
  type GateVerdict
} from './gates/index.js'
import { lifecycleOf, lifecycleReader, type PolicyReader } from './lifecycle-check.js'
import { imageKey, isResolved } from './plan.js'
import { failure, refusal } from './problems.js'
import { resolveImages, tagCountUnread } from './resolve.js'
import { signingProfiles, signingReader, type SigningReader } from './signing.js'
import { withinGrace, type ABANDONED } from './stop.js'
import type { ImageRecord, PromotionRequest, ResolvedImage } from './types.js'

/** A gate as a log line names it; a refusal's reason names its gate itself. */
const GATE_WORDS: Record<GateVerdict['gate'], string> = {
  vulnerability: 'vulnerability gate',
  'ecr-signature': 'ECR signature gate',
  'sigstore-signature': 'Sigstore signature gate'
}

/** What the survey reads of each target once, however many images go there. */
interface TargetReaders {
  policyOf: PolicyReader
  signingOf: SigningReader
}

/** Surveys at once: each is a handful of reads. */
const SURVEY_CONCURRENCY = 4

/** One read of an image's tag count per target and digest, however many entries name it. */
type TagCounts = Map<string, Promise<number | undefined>>

/**
 * The tags the image already carries in another repository (none when it is not there yet), read
 * beside the copy survey when it gains a tag: what ECR's limit of tags per image is planned
 * against. Within the requested repository, resolve read it already.
 */
function tagCountOf(
  image: ResolvedImage,
  { registry, log }: Dependencies,
  counts: TagCounts
): Promise<number | undefined> | undefined {
  if (image.tagCount !== undefined || isSameRepository(image.request.source, image.request.target))
    return undefined
  if (image.request.tags.every((tag) => image.currentTags.get(tag) === image.source.digest))
    return undefined
  const key = imageKey(image)
  let count = counts.get(key)
  if (!count) {
    count = registry
      .tagCount(image.target, { digest: image.source.digest })
      .catch((error: unknown) => void log.warning(tagCountUnread(image.target, error)))
    counts.set(key, count)
  }
  return count
}

type Trust = ReturnType<typeof trustLoader>

/** An image a stage could not get past: its record keeps its request and the stage's words. */
function notResolved(image: ResolvedImage, error: unknown): ImageRecord {
  if (error instanceof ArchivedRefusal)
    return { request: image.request, problem: refusal(error.title, error.message) }
  if (!(error instanceof ExplainedError)) throw error
  return {
    request: image.request,
    problem: failure('Not resolved', error.message, error.retryable)
  }
}

/** Resolve: each source read and verified, and its tags in the target read. */
async function resolveStage(
  request: PromotionRequest,
  { registry, log }: Dependencies,
  trust: Trust,
  archive: ArchiveOptions
): Promise<ImageRecord[]> {
  const [first] = request.images
  const title =
    request.images.length > 1
      ? `${request.images.length} images`
      : isSameRepository(first!.source, first!.target)
        ? describeRepository(first!.source)
        : `${describeRepository(first!.source)} -> ${describeRepository(first!.target)}`
  return log.group(`Resolve ${title}`, async () => {
    // The Sigstore verifier and its trusted root load while the first reads are on the wire.
    const sigstore = request.gates?.signature?.sigstore
    if (sigstore) trust(sigstore).catch(() => {})
    const resolved = await resolveImages(
      registry,
      request.images,
      (message) => log.warning(message),
      { createRepository: request.createRepository, archive }
    )
    for (const image of resolved) {
      if (!isResolved(image)) {
        log.info(`${image.request.name}: ${image.problem!.message}`)
        continue
      }
      log.info(`Source: ${image.request.name} -> ${image.source.digest}`)
      log.info(
        `Media type: ${image.source.mediaType} (${image.source.info.kind}, ${Buffer.byteLength(image.source.manifest)} bytes, digest verified)`
      )
    }
    return resolved
  })
}

/** Gates: what each gate the run asks says of each resolved image, in a group of its own. */
async function gateStage(
  images: ImageRecord[],
  request: PromotionRequest,
  { registry, log, poll }: Dependencies,
  trust: Trust
): Promise<ImageRecord[]> {
  if (!isGateRequested(request.gates)) return images
  const gates = request.gates
  const count = images.filter(isResolved).length
  return log.group(`Gates: ${count} image${count === 1 ? '' : 's'}`, () =>
    mapLimit(images, SURVEY_CONCURRENCY, async (image): Promise<ImageRecord> => {
      if (!isResolved(image)) return image
      const say = (message: string) => log.info(`${image.request.name}: ${message}`)
      try {
        const verdicts = await evaluateGates(
          gates,
          image.source,
          { registry, ...(poll && { poll }), say },
          trust
        )
        for (const verdict of verdicts)
          say(
            verdict.passed
              ? `the ${GATE_WORDS[verdict.gate]} passed: ${verdict.summary}`
              : (verdict.reason ?? `the ${GATE_WORDS[verdict.gate]} refused it: ${verdict.summary}`)
          )
        return { ...image, gates: verdicts }
      } catch (error) {
        return notResolved(image, error)
      }
    })
  )
}

/**
 * For an image going to another repository, what the target lacks; and its tag count. An index's
 * child manifests that are archived are refused, or restored first, before the survey is trusted.
 */
async function survey(
  image: ResolvedImage,
  request: PromotionRequest,
  dependencies: Dependencies,
  counts: TagCounts,
  archive: ArchiveOptions,
  { policyOf, signingOf }: TargetReaders
): Promise<ImageRecord> {
  const { registry } = dependencies
  const children = image.source.info.children.map((child) => child.digest)
  const parts = inactive(registry, image.source.repository, children).catch(
    () => new Map<string, ImageStatus>()
  )
  const lifecycle = lifecycleOf(image, request.lifecycle, policyOf)
  const signing =
    request.signingWaitMs > 0 ? signingProfiles(image.request.target, signingOf) : undefined
  const rootPresent = [...image.currentTags.values()].includes(image.source.digest)
  const sameRepository = isSameRepository(image.source.repository, image.target)
  const reads = () =>
    Promise.all([
      sameRepository
        ? undefined
        : surveyCopy(registry, {
            source: image.source,
            target: image.target,
            rootPresent,
            copyReferrers: request.copyReferrers,
            ...(image.createTarget && { targetMissing: true })
          }),
      image.createTarget ? 0 : tagCountOf(image, dependencies, counts)
    ])
  try {
    // The survey reads the children too: a child that is archived fails it, or is restored and
    // read again.
    let found = await reads().catch((error: unknown) => ({ error }))
    const archived = new Map([
      ...(await parts),
      ...(!('error' in found) && found[0]?.inactiveReferrers
        ? found[0].inactiveReferrers.map(({ digest, status }): [string, ImageStatus] => [
            digest,
            status as ImageStatus
          ])
        : [])
    ])
    if (archived.size > 0) {
      await ensureActive(registry, image.request.name, image.source.repository, archived, archive)
      found = await reads()
    }
    if ('error' in found) throw found.error
    const [copy, tagCount] = found
    if (copy?.referrersUnlisted)
      archive.say(`${image.request.name}: referrers not copied; ${copy.referrersUnlisted}`)
    const [rule, profiles] = await Promise.all([lifecycle, signing])
    return {
      ...image,
      ...(copy && { copy: { plan: copy } }),
      ...(tagCount !== undefined && { tagCount }),
      ...(rule && { lifecycle: rule }),
      ...(profiles?.length && { signingProfiles: profiles })
    }
  } catch (error) {
    return notResolved(image, error)
  }
}

/** The copy survey: what each target lacks, and the tags each image carries there. Reads only. */
function surveyStage(
  images: ImageRecord[],
  request: PromotionRequest,
  dependencies: Dependencies,
  archive: ArchiveOptions,
  readers: TargetReaders
): Promise<ImageRecord[]> {
  const counts: TagCounts = new Map()
  return mapLimit(images, SURVEY_CONCURRENCY, (image) =>
    isResolved(image)
      ? survey(image, request, dependencies, counts, archive, readers)
      : Promise.resolve(image)
  )
}

/** An image as both stages left it: what the survey found, and what the gates said. */
function withGates(surveyed: ImageRecord, gated: ImageRecord): ImageRecord {
  if (!isResolved(surveyed)) return surveyed
  if (!isResolved(gated)) return gated
  return gated.gates ? { ...surveyed, gates: gated.gates } : surveyed
}

/**
 * The reads, stage by stage: resolve, then the gates beside the copy survey. Each target's
 * lifecycle policy and its registry's signing configuration are read beside resolve, so that they
 * cost no round trip. ABANDONED when a stop abandoned them.
 */
export async function readStages(
  request: PromotionRequest,
  dependencies: Dependencies
): Promise<ImageRecord[] | typeof ABANDONED> {
  const { registry, log, stop } = dependencies
  const trust = trustLoader()
  // The survey's few lines wait for the gates' group to close.
  const lines: string[] = []
  const archive: ArchiveOptions = {
    restore: request.restoreArchived,
    dryRun: request.dryRun,
    poll: dependencies.poll ?? realClock,
    stop,
    say: (line) => lines.push(line)
  }
  const readers: TargetReaders = {
    policyOf: lifecycleReader(registry, (line) => log.warning(line)),
    signingOf: signingReader(registry, (line) => lines.push(line))
  }
  for (const image of request.images) {
    if (request.lifecycle.check !== 'off' && image.target.publicAlias === undefined)
      void readers.policyOf(image.target)
    if (request.signingWaitMs > 0) void readers.signingOf(image.target)
  }
  const reads = async (): Promise<ImageRecord[]> => {
    const resolved = await resolveStage(request, dependencies, trust, {
      ...archive,
      say: (line) => log.info(line)
    })
    // The gates ask the source while the survey asks the target: no round trip is added.
    const [gated, surveyed] = await Promise.all([
      gateStage(resolved, request, dependencies, trust),
      surveyStage(resolved, request, dependencies, archive, readers)
    ])
    for (const line of lines) log.info(line)
    return surveyed.map((image, i) => withGates(image, gated[i]!))
  }
  return withinGrace(reads(), stop)
}
