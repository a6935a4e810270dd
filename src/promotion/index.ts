// The promotion pipeline, for one image or a whole release: resolve -> gates -> copy survey -> plan
// -> copy -> tags, each stage filling in one record per image (ImageRecord, types.ts), and the run's
// record (PromotionResult) as its value. The plan is pure data (plan.ts); every tag outcome is
// decided in outcomes.ts and every problem made in problems.ts; report.ts turns the records into
// the reports every face renders. A plan with any problem writes nothing at all; otherwise every
// copy goes first, then every tag. It may import src/copy, src/registry and src/oci, never a face.
import type { SigningStatus } from '../registry/index.js'
import { applyTags } from './apply.js'
import { copyAll } from './copy-stage.js'
import type { Dependencies } from './dependencies.js'
import type { Log } from './log.js'
import { failure } from './problems.js'
import { describeImagePlan, planHeader } from './narrate.js'
import {
  copyFailed,
  dryRunOutcome,
  notWritten,
  stoppedBeforeResolving,
  unresolvedOutcomes,
  type TagOutcome
} from './outcomes.js'
import { isPlanned, planPromotion, planProblems, plannedWrites } from './plan.js'
import { readStages } from './read-stages.js'
import { rollBackRecord } from './record-rollback.js'
import { signaturesOf, signingNote } from './signing.js'
import { needsRollback, rollBack } from './rollback.js'
import { ABANDONED, type Stop } from './stop.js'
import type {
  CopyRecord,
  ImageRecord,
  PlannedImage,
  PromotionRequest,
  PromotionResult
} from './types.js'

export type { Dependencies } from './dependencies.js'
export type { AnnotationProperties, Log } from './log.js'
export {
  IN_PLACE_STATUSES,
  rollbackTried,
  SUCCESS_STATUSES,
  WRITTEN_STATUSES,
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
