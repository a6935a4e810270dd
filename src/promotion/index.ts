// The promotion pipeline, for one image or a whole release: resolve -> gates -> copy survey -> plan
// -> copy -> tags, each stage filling in one record per image (ImageRecord, types.ts), and the run's
// record (PromotionResult) as its value. The plan is pure data (plan.ts); every tag outcome is
// decided in outcomes.ts and every problem made in problems.ts; report.ts turns the records into
// the reports every face renders. A plan with any problem writes nothing at all; otherwise every
// copy goes first, then every tag. It may import src/copy, src/registry and src/oci, never a face.
import { applyCopy, emptyStats, isComplete, surveyCopy, type CopyOptions } from '../copy/index.js'
import { describeRepository, isSameRepository, repositoryKey } from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  explainCreateError,
  isUnsupported,
  mapLimit,
  mayPassOnRerun,
  type ImageStatus,
  type Registry,
  type SigningStatus
} from '../registry/index.js'
import { applyTags } from './apply.js'
import {
  evaluateGates,
  isGateRequested,
  realClock,
  trustLoader,
  type GateVerdict,
  type PollOptions
} from './gates/index.js'
import { prefixed, type Log } from './log.js'
import { failure, refusal } from './problems.js'
import { describeImagePlan, planHeader, settingsText } from './narrate.js'
import {
  copyFailed,
  dryRunOutcome,
  notWritten,
  stoppedBeforeResolving,
  unresolvedOutcomes,
  type TagOutcome
} from './outcomes.js'
import {
  isPlanned,
  isResolved,
  planPromotion,
  planProblems,
  imageKey,
  plannedWrites
} from './plan.js'
import { resolveImages, tagCountUnread } from './resolve.js'
import { ArchivedRefusal, ensureActive, inactive, type ArchiveOptions } from './archive.js'
import { lifecycleOf, lifecycleReader, type PolicyReader } from './lifecycle-check.js'
import { rollBackRecord } from './record-rollback.js'
import {
  awaitSignature,
  signingNote,
  signingProfiles,
  signingReader,
  type SigningReader
} from './signing.js'
import { needsRollback, rollBack } from './rollback.js'
import { ABANDONED, withinGrace, type Stop } from './stop.js'
import type {
  CopyRecord,
  ImageRecord,
  PlannedImage,
  PromotionRequest,
  PromotionResult,
  ResolvedImage
} from './types.js'

export type { AnnotationProperties, Log } from './log.js'
export {
  IN_PLACE_STATUSES,
  rollbackTried,
  SUCCESS_STATUSES,
  type TagOutcome,
  type TagStatus
} from './outcomes.js'

export * from './report.js'
export { nextStep, outcomeLine } from './prose.js'
export { settingsText } from './narrate.js'
export { buildRecord, PREDICATE_TYPE, type PromotionRecord } from './record.js'
export { createStop, type Stop } from './stop.js'
export type { LifecycleCheck, LifecycleWarning } from './lifecycle-check.js'
export {
  THRESHOLDS,
  WORST_FIRST,
  type DecidingFinding,
  type GateRequest,
  type GateVerdict,
  type PollOptions,
  type Threshold
} from './gates/index.js'
export { TAG_STATUSES } from './types.js'
export type {
  CopyRecord,
  ImageRecord,
  ImageRequest,
  Problem,
  PromotionRequest,
  PromotionResult,
  RollbackOf,
  RollbackRequest,
  SourceImage
} from './types.js'

export interface Dependencies {
  registry: Registry
  log: Log
  copy?: CopyOptions
  /** How the run is stopped early (a cancelled step, a deadline); unset: it is not. */
  stop?: Stop
  /** The clock the gates poll a scan with; tests make it fast. */
  poll?: PollOptions
  /** PutImage calls in flight at once (default 10): what the PutImage rate's burst allows. */
  writesInFlight?: number
}

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
/** Copies at once: each already moves four blobs in parallel. */
const COPY_CONCURRENCY = 2

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
  const key = `${repositoryKey(image.target)}@${image.source.digest}`
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

/** How a run ended, for the one place that fills in its records' outcomes. */
interface Ending {
  /** Each planned image's tags. */
  tagsOf: (image: PlannedImage) => TagOutcome[]
  /** What each copy did, when the run got to copying. */
  copies?: Map<PlannedImage, CopyRecord>
  cancelled?: boolean
  refused?: boolean
  /** Each pushed image's signature, when the run waited for it. */
  signatures?: Map<PlannedImage, SigningStatus[]>
}

/**
 * The run's record, however it ended: each image's record gets its tags' outcomes (an unresolved
 * one, that none was touched), what its copy did, and its signature.
 */
function finish(
  records: ImageRecord[],
  request: PromotionRequest,
  ending: Ending
): PromotionResult {
  return {
    images: records.map((image): ImageRecord => {
      if (!isPlanned(image))
        return { ...image, tags: unresolvedOutcomes(image.request.tags, image.problem!) }
      const copy = ending.copies?.get(image)
      const signatures = ending.signatures?.get(image)
      return {
        ...image,
        tags: ending.tagsOf(image),
        ...(copy && { copy }),
        ...(signatures && { signatures })
      }
    }),
    release: request.release,
    dryRun: request.dryRun,
    cancelled: ending.cancelled === true,
    refused: ending.refused === true
  }
}

/** The run stopped before its images were resolved: nothing was read to plan with. */
function stoppedWhileResolving(request: PromotionRequest, stop: Stop): PromotionResult {
  return {
    images: request.images.map((image) => ({
      request: image,
      problem: failure('Not resolved', `Not resolved: ${stop.reason()}.`, true),
      tags: stoppedBeforeResolving(image.tags, stop.reason())
    })),
    release: request.release,
    dryRun: request.dryRun,
    cancelled: true,
    refused: false
  }
}

/** The plan in the log: one group whose title says what the run will do, a line per tag. */
async function logPlan(records: ImageRecord[], request: PromotionRequest, log: Log): Promise<void> {
  await log.group(planHeader(records, request.dryRun), async () => {
    for (const image of records.filter(isPlanned))
      for (const line of describeImagePlan(image, request.release)) log.info(line)
    for (const problem of planProblems(records))
      log.info(
        `${problem.failed ? 'Failed' : 'Refused'}: ${problem.image}${problem.tag ? ` -> ${problem.tag}` : ''}: ${problem.message}`
      )
  })
}

/** A plan with problems writes nothing: refused by a guard or gate, or failed before any write. */
function notWrittenForProblems(records: ImageRecord[]): Ending {
  const refused = planProblems(records).every((problem) => !problem.failed)
  const why = refused
    ? 'the promotion was refused before any write.'
    : 'the run failed before any write (see the problems above).'
  return { tagsOf: (image) => image.plan.map((tag) => notWritten(tag, image, why)), refused }
}

/** Each image's tags once a copy failed: its own copy's failure, or another's. */
function afterCopyFailure(copies: Map<PlannedImage, CopyRecord>, failed: CopyRecord): Ending {
  return {
    copies,
    tagsOf: (image) => {
      const own = copies.get(image)
      const mine = own?.error !== undefined
      return copyFailed(image, mine, (mine ? own : failed).retryable !== false)
    }
  }
}

/** Whether a copy's failure may pass on a rerun as it is. */
function retryableFailure(error: unknown): boolean {
  if (error instanceof EcrError) return mayPassOnRerun(error)
  return !(error instanceof ExplainedError) || error.retryable
}

/**
 * Creates each missing target repository once, however many images go into it: before their copy,
 * as the first write for them. A repository someone created meanwhile is taken as it is.
 */
function repositoryCreator(
  registry: Registry,
  log: Pick<Log, 'info'>
): (image: PlannedImage) => Promise<boolean> {
  const creating = new Map<string, Promise<boolean>>()
  return (image) => {
    const key = repositoryKey(image.target)
    let made = creating.get(key)
    if (!made) {
      const where = describeRepository(image.target)
      made = registry.createRepository(image.target, image.createTarget!).then(
        (answer) => {
          if (isUnsupported(answer)) throw new ExplainedError(`${where}: ${answer.reason}.`)
          log.info(
            answer === 'created'
              ? `Created the target repository ${where} with ${settingsText(image.createTarget!)}`
              : `The target repository ${where} was created meanwhile; used as it is`
          )
          return answer === 'created'
        },
        (error: unknown) => {
          if (!(error instanceof EcrError)) throw error
          throw new ExplainedError(explainCreateError(error, where), mayPassOnRerun(error))
        }
      )
      creating.set(key, made)
    }
    return made
  }
}

/** Copies what each target lacks, before any tag moves; on the first failure, no other starts. */
async function copyAll(
  images: PlannedImage[],
  { registry, log, copy: options, stop }: Dependencies
): Promise<Map<PlannedImage, CopyRecord>> {
  const results = new Map<PlannedImage, CopyRecord>()
  const create = repositoryCreator(registry, log)
  // One copy per image and target, however many entries name them; each counts into its own
  // tally as it goes, so what a stop or a failure leaves there is reported.
  const first = new Map<string, PlannedImage>()
  const copies: PlannedImage[] = []
  for (const image of images) {
    if (!image.copy) continue
    const shared = first.get(imageKey(image))
    if (shared) {
      results.set(image, results.get(shared)!)
      continue
    }
    first.set(imageKey(image), image)
    const { plan } = image.copy
    if (isComplete(plan)) results.set(image, { plan })
    else {
      copies.push(image)
      results.set(image, { plan, stats: emptyStats(plan) })
    }
  }
  if (copies.length === 0) return results
  let failed = false
  // Copies run side by side, so they share one group, each line naming its image.
  const title =
    copies.length === 1
      ? `Copy ${copies[0]!.request.name} into ${describeRepository(copies[0]!.target)}`
      : `Copy ${copies.length} images into their targets`
  const work = log.group(title, () =>
    mapLimit(
      copies,
      COPY_CONCURRENCY,
      async (image) => {
        const result = results.get(image)!
        const lines = copies.length === 1 ? log : prefixed(log, `${image.request.name}: `)
        try {
          if (image.createTarget) result.repositoryCreated = await create(image)
          if (copies.length > 1) lines.info(`copying into ${describeRepository(image.target)}`)
          await applyCopy(
            registry,
            result.plan,
            { source: image.source.repository, target: image.target },
            lines,
            options,
            result.stats
          )
          result.done = true
        } catch (error) {
          failed = true
          result.error = error instanceof Error ? error.message : String(error)
          if (!retryableFailure(error)) result.retryable = false
          lines.info(`copy failed: ${result.error}`)
        }
      },
      { stopped: () => failed || stop?.stopping.aborted === true }
    )
  )
  // Abandoned or not, the tallies say what reached each target.
  await withinGrace(work, stop)
  return results
}

/**
 * After the writes: the signature ECR's managed signing made of each image this run pushed into a
 * target it signs, waited for within signing-wait. None once the run is stopping.
 */
async function signaturesOf(
  images: PlannedImage[],
  outcomes: Map<PlannedImage, TagOutcome[]>,
  request: PromotionRequest,
  { registry, log, poll, stop }: Dependencies
): Promise<Map<PlannedImage, SigningStatus[]>> {
  const signed = images.filter(
    (image) =>
      image.signingProfiles &&
      outcomes.get(image)!.some((tag) => tag.status === 'created' || tag.status === 'moved')
  )
  const found = new Map<PlannedImage, SigningStatus[]>()
  if (signed.length === 0 || request.signingWaitMs === 0 || stop?.stopping.aborted) return found
  // Entries naming the same image in the same target share one wait.
  const waits = new Map<string, Promise<SigningStatus[] | undefined>>()
  await log.group(`Signatures: ${signed.length} image(s)`, () =>
    mapLimit(signed, SURVEY_CONCURRENCY, async (image) => {
      const key = imageKey(image)
      let wait = waits.get(key)
      if (!wait) {
        wait = awaitSignature(
          registry,
          image.target,
          image.source.digest,
          image.signingProfiles!.length,
          { waitMs: request.signingWaitMs, poll: poll ?? realClock }
        ).catch((error: unknown) => {
          log.info(
            `${image.request.name}: the signature's status could not be read (${error instanceof Error ? error.message : String(error)})`
          )
          return undefined
        })
        waits.set(key, wait)
      }
      const statuses = await wait
      if (!statuses) return
      found.set(image, statuses)
      for (const status of statuses)
        log.info(
          `${image.request.name}: signature ${status.status}${status.profileArn ? ` (${status.profileArn})` : ''}${status.failureCode ? `: ${status.failureCode}` : ''}`
        )
    })
  )
  return found
}

/**
 * The reads, stage by stage: resolve, then the gates beside the copy survey. Each target's
 * lifecycle policy and its registry's signing configuration are read beside resolve, so that they
 * cost no round trip. ABANDONED when a stop abandoned them.
 */
async function readStages(
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

/** What the plan found beyond its problems: lifecycle rules to warn of, targets ECR signs. */
function logPlanNotes(records: ImageRecord[], request: PromotionRequest, log: Log): void {
  for (const image of records.filter(isPlanned)) {
    if (image.lifecycle && request.lifecycle.check === 'warn') log.warning(image.lifecycle.message)
    if (image.signingProfiles)
      log.info(signingNote(image.request.name, image.target, image.signingProfiles))
  }
}

/**
 * The writing stages, each only once the one before it went through: nothing when the plan has
 * problems or it is a dry run; then every copy; then every tag (put back on failure when asked);
 * then the wait for managed signing. When a stage stops the run, every tag not yet written gets
 * that stage's reason.
 */
async function writeStages(
  records: ImageRecord[],
  request: PromotionRequest,
  dependencies: Dependencies
): Promise<Ending> {
  const { registry, log, stop } = dependencies
  if (planProblems(records).length > 0) return notWrittenForProblems(records)
  if (request.dryRun) {
    log.info('Dry run: nothing was written.')
    return { tagsOf: (image) => image.plan.map((tag) => dryRunOutcome(tag, image)) }
  }
  const cancelled = (copies?: Map<PlannedImage, CopyRecord>): Ending => ({
    tagsOf: (image) =>
      image.plan.map((tag) => notWritten(tag, image, `${stop!.reason()}.`, 'cancelled')),
    cancelled: true,
    ...(copies && { copies })
  })
  if (stop?.stopping.aborted) return cancelled()

  const images = records.filter(isPlanned)
  const copies = await copyAll(images, dependencies)
  // A copy stopped by the run's stop fails as it ends; that is a cancellation, not a failure.
  if (stop?.stopping.aborted) return cancelled(copies)
  const failedCopy = [...copies.values()].find((copy) => copy.error !== undefined)
  if (failedCopy) return afterCopyFailure(copies, failedCopy)

  // Every tag already in place: its outcome is said, with no group for writes there are none of.
  const writes = plannedWrites(images)
  const apply = () => applyTags(registry, images, log, stop, dependencies.writesInFlight)
  const applied = writes === 0 ? await apply() : await log.group(`Apply: ${writes} write(s)`, apply)
  const outcomes =
    request.onFailure === 'rollback' && needsRollback(applied)
      ? await log.group('Roll back: the tags this run wrote', () =>
          rollBack(registry, applied, log, stop)
        )
      : applied
  return {
    tagsOf: (image) => outcomes.get(image)!,
    copies,
    cancelled: stop?.stopping.aborted === true,
    signatures: await signaturesOf(images, outcomes, request, dependencies)
  }
}

/**
 * inputs -> resolve -> gates -> copy survey -> plan -> copy -> tags, each stage filling in the
 * images' records. A stage that stops the run gives every remaining tag its reason; every
 * outcome, early stops included, is in the result.
 */
export async function promote(
  request: PromotionRequest,
  dependencies: Dependencies
): Promise<PromotionResult> {
  if (request.rollback) return rollBackRecord(request, dependencies)
  const read = await readStages(request, dependencies)
  if (read === ABANDONED) return stoppedWhileResolving(request, dependencies.stop!)
  const records = planPromotion({
    images: read,
    protectTags: request.protectTags,
    lifecycleRefuses: request.lifecycle.check === 'refuse'
  })
  await logPlan(records, request, dependencies.log)
  logPlanNotes(records, request, dependencies.log)
  return finish(records, request, await writeStages(records, request, dependencies))
}
