// Every tag's outcome is decided here: what a plan comes to when it is written, when it is not
// (dry run, refusal, a failed copy, a cancelled run), when its write fails or its answer is read
// back, and which outcomes leave the tag where it should be.
import { explainWriteError, mayPassOnRerun, type EcrError } from '../registry/index.js'
import { conflictMessage, refusalMessage } from './plan.js'
import type { PlannedImage, Problem, TagOutcome, TagPlan, TagStatus } from './types.js'

export type { TagOutcome, TagStatus } from './types.js'

/** A run whose tags all end in these did what it was asked (or, in a dry run, would). */
export const SUCCESS_STATUSES: ReadonlySet<TagStatus> = new Set([
  'created',
  'moved',
  'unchanged',
  'would-create',
  'would-move'
])

/** The run wrote the tag: what a rollback may undo, and what makes a run `promoted`. */
export const WRITTEN_STATUSES: ReadonlySet<TagStatus> = new Set(['created', 'moved'])

/** After the run, the tag points at the promoted digest: what the `images` output may list. */
export const IN_PLACE_STATUSES: ReadonlySet<TagStatus> = new Set(['created', 'moved', 'unchanged'])

/** The status a written tag gets: what its plan said. */
export function writtenStatus(tag: TagPlan): TagStatus {
  return tag.action === 'create' ? 'created' : 'moved'
}

export function written(tag: TagPlan): TagOutcome {
  return { tag: tag.tag, status: writtenStatus(tag), previousDigest: tag.previousDigest }
}

export function unchanged(tag: TagPlan): TagOutcome {
  return { tag: tag.tag, status: 'unchanged', previousDigest: tag.previousDigest }
}

/** A tag the plan refused (protect-tags) or found locked (immutability), with why. */
function blocked(tag: TagPlan, image: PlannedImage): TagOutcome | undefined {
  if (tag.action === 'refuse')
    return {
      tag: tag.tag,
      status: 'refused',
      previousDigest: tag.previousDigest,
      message: refusalMessage(tag)
    }
  if (tag.action === 'conflict')
    return {
      tag: tag.tag,
      status: 'conflict',
      previousDigest: tag.previousDigest,
      message: conflictMessage(tag, image),
      retryable: false
    }
  return undefined
}

/** A dry run: what the real run would do with the tag. */
export function dryRunOutcome(tag: TagPlan, image: PlannedImage): TagOutcome {
  if (tag.action === 'keep') return unchanged(tag)
  return (
    blocked(tag, image) ?? {
      tag: tag.tag,
      status: tag.action === 'create' ? 'would-create' : 'would-move',
      previousDigest: tag.previousDigest
    }
  )
}

/**
 * A tag left as it was because the run did not get to write it: a refused or locked tag says why;
 * one already in place is unchanged; any other is `status` (skipped, or cancelled), with `reason`.
 */
export function notWritten(
  tag: TagPlan,
  image: PlannedImage,
  reason: string,
  status: 'skipped' | 'cancelled' = 'skipped',
  retryable = true
): TagOutcome {
  if (tag.action === 'keep') return unchanged(tag)
  return (
    blocked(tag, image) ?? {
      tag: tag.tag,
      status,
      previousDigest: tag.previousDigest,
      message: `Not written: ${reason}`,
      ...(!retryable && { retryable: false as const })
    }
  )
}

/**
 * The outcomes of an image that could not be resolved: none of its tags was touched, and where
 * each pointed was not established, so no "before" is claimed.
 */
export function unresolvedOutcomes(tags: string[], problem: Problem): TagOutcome[] {
  return tags.map((tag) => ({
    tag,
    status: 'skipped',
    message: `Not written: ${problem.message}`,
    ...(problem.retryable === false && { retryable: false as const })
  }))
}

/**
 * The outcomes of the images of a run stopped before they were resolved: none was touched, and
 * none was read.
 */
export function stoppedBeforeResolving(tags: string[], reason: string): TagOutcome[] {
  return tags.map((tag) => ({ tag, status: 'cancelled', message: `Not written: ${reason}.` }))
}

/**
 * A release writes no tag until every copy is done: when one fails, each image's tags say whether
 * its own copy failed or another image's did, and whether a rerun gets past it.
 */
export function copyFailed(image: PlannedImage, own: boolean, retryable: boolean): TagOutcome[] {
  const what = own
    ? 'copying the image into its target failed'
    : "another image's copy failed, and a release writes no tag until every copy is done"
  return image.plan.map((tag) =>
    notWritten(
      tag,
      image,
      retryable ? `${what}; rerun to resume.` : `${what}.`,
      'skipped',
      retryable
    )
  )
}

/** A write the run stopped before sending: certainly not written. */
export function notSent(tag: TagPlan, reason: string): TagOutcome {
  return {
    tag: tag.tag,
    status: 'cancelled',
    previousDigest: tag.previousDigest,
    message: `Not written: ${reason}.`
  }
}

/** A write not sent because an earlier one failed in a way no other could get past. */
export function notAttemptedAfterFailure(tag: TagPlan): TagOutcome {
  return {
    tag: tag.tag,
    status: 'skipped',
    previousDigest: tag.previousDigest,
    message: 'Not attempted after an earlier write failed; rerun to finish.'
  }
}

/**
 * A failure after which the write may still have landed: the request left, and its answer was lost
 * to a timeout, a dropped connection or a server error. Only a read says what the tag is.
 */
export const answerMayBeLost = (error: EcrError): boolean =>
  error.kind === 'timeout' || error.kind === 'transient'

/** A write ECR refused, or whose answer was lost and whose tag is not in place: why, in words. */
export function writeFailed(tag: TagPlan, image: PlannedImage, error: EcrError): TagOutcome {
  return {
    tag: tag.tag,
    status: 'failed',
    previousDigest: tag.previousDigest,
    message: explainWriteError(error, {
      tag: tag.tag,
      repository: image.target.name,
      digest: image.source.digest
    }),
    ...(!mayPassOnRerun(error) && { retryable: false as const })
  }
}

/** How a write not plainly confirmed was left: its error, or cut off by the run stopping. */
export interface Unconfirmed {
  error?: EcrError
  /** Still in flight when the run stopped, or cut off by it: it may or may not have landed. */
  interrupted?: boolean
}

/** What a tag whose write was not plainly confirmed really is, now that it has been read back. */
export function readBackOutcome(
  tag: TagPlan,
  image: PlannedImage,
  { error, interrupted }: Unconfirmed,
  now: string | null | undefined
): TagOutcome {
  const digest = image.source.digest
  if (now === digest) {
    // Our own earlier attempt may have landed before a retry was told the image already exists.
    const ours = interrupted || error === undefined || answerMayBeLost(error) || error.attempts > 1
    return ours ? written(tag) : unchanged(tag)
  }
  if (interrupted)
    return {
      tag: tag.tag,
      status: 'cancelled',
      previousDigest: tag.previousDigest,
      message: `The write was in flight when the run stopped, and the tag points at ${now ?? 'nothing'}, not at ${digest}; rerun to finish.`
    }
  if (error?.code === 'ImageTagAlreadyExistsException' && now) {
    return {
      tag: tag.tag,
      status: 'conflict',
      previousDigest: tag.previousDigest,
      message: `Tag "${tag.tag}" is immutable in "${image.target.name}" and points at ${now}, not at ${digest}; it was left as it is. Promote under a new tag, or change the repository's tag mutability.`,
      retryable: false
    }
  }
  if (error && answerMayBeLost(error)) return writeFailed(tag, image, error)
  return {
    tag: tag.tag,
    status: 'failed',
    previousDigest: tag.previousDigest,
    message: `ECR answered ${error ? error.code : 'a success'} for tag "${tag.tag}", but the tag now points at ${now ?? 'nothing'}, not at ${digest}. Another writer may be moving it; rerun to converge.`
  }
}

/** The read-back could not be made: the tag's state is unknown, and the report says so. */
export function unknownOutcome(tag: TagPlan, interrupted: boolean, why: string): TagOutcome {
  return {
    tag: tag.tag,
    status: interrupted ? 'cancelled' : 'failed',
    previousDigest: tag.previousDigest,
    message: `The write of tag "${tag.tag}" was not confirmed and reading it back ${why}; rerun to be sure.`
  }
}

/** Where a tag goes once put back, said: at its earlier digest again, or removed. */
const putBack = (to: string | null): string =>
  to === null ? 'removed, as it did not exist before' : `points at ${to} again`

/** `digestAfter` for a tag that ends where the run did not read it: `to`, unless that is where the
 * tag was read to point (then the previous digest says it already). */
const endsAt = (outcome: TagOutcome, to: string | null) =>
  to === (outcome.previousDigest ?? null) ? {} : { digestAfter: to }

/** A tag put back where it was before the run being undone (removed, if it did not exist). */
export function rolledBack(outcome: TagOutcome, to: string | null): TagOutcome {
  return {
    ...outcome,
    ...endsAt(outcome, to),
    status: 'rolled-back',
    message: `Rolled back: ${putBack(to)}.`
  }
}

/** A tag someone else moved after this run wrote it: neither where the run put it nor where it
 * was, so it is left alone, and what was read is what is said. */
export function movedSince(outcome: TagOutcome, now: string | null): TagOutcome {
  return {
    ...outcome,
    status: 'failed',
    digestAfter: now,
    rollback: 'moved-since',
    retryable: false,
    message: `Not rolled back: the tag was moved since, to ${now ?? 'nothing'}, by someone else; it was left as it is.`
  }
}

/** A tag whose undo failed: it is still where this run wrote it. */
export function rollbackFailed(outcome: TagOutcome, digest: string, why: string): TagOutcome {
  return {
    ...outcome,
    rollback: 'failed',
    message: `Rollback failed, so the tag still points at ${digest}: ${why}`
  }
}

/** A tag whose place could not be read before its undo: left as this run wrote it. */
export function rollbackUnread(outcome: TagOutcome, why: string): TagOutcome {
  return {
    ...outcome,
    rollback: 'unread',
    message: `Not rolled back: where the tag points could not be read (${why}).`
  }
}

/** Whether the run tried to roll the tag back: it was put back, or says why not. */
export const rollbackTried = (tag: TagOutcome): boolean =>
  tag.status === 'rolled-back' || tag.rollback !== undefined

/** A tag whose undo had not settled when the process had to end: where it points is not known. */
export function rollbackCutOff(
  outcome: TagOutcome,
  { digest, restoreTo }: { digest: string; restoreTo: string | null },
  reason: string
): TagOutcome {
  return {
    ...outcome,
    status: 'failed',
    rollback: 'unfinished',
    message: `Rolling back did not finish before the process had to end (${reason}): the tag points at ${digest}, as that run wrote it, or ${restoreTo === null ? 'is removed' : `at ${restoreTo} again`}; read it, or rerun.`
  }
}

/** A tag a rollback from a record is to put back, as read: at the digest that run wrote. */
export function toRollBack(tag: string, now: string): TagOutcome {
  return { tag, status: 'failed', previousDigest: now }
}

/** A dry run's rollback: the tag still points at what that run wrote, and would go back. */
export function wouldRollBack(outcome: TagOutcome, to: string | null): TagOutcome {
  return { ...outcome, digestAfter: to, status: 'would-roll-back' }
}

/** A tag already back where it was before the run being undone: nothing to write. */
export function alreadyBack(tag: string, to: string | null): TagOutcome {
  return {
    tag,
    status: 'unchanged',
    previousDigest: to,
    digestAfter: to,
    message: `Already ${to === null ? 'removed' : `at ${to} again`}; nothing to undo.`
  }
}

/** A rollback from a record refuses a tag moved since that run: someone else's write stands. */
export function refusedMovedSince(tag: string, now: string | null): TagOutcome {
  return { ...movedSince({ tag, status: 'failed', previousDigest: now }, now), status: 'refused' }
}

/** A rollback the run stopped before sending: the tag was left where it was read to point. */
export function rollbackNotSent(outcome: TagOutcome, reason: string): TagOutcome {
  return {
    ...outcome,
    status: 'cancelled',
    message: `Not rolled back: ${reason}; the tag still points at ${outcome.previousDigest}.`
  }
}
