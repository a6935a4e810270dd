// Every tag's outcome is decided here: what a plan comes to when it is written, when it is not
// (dry run, refusal, a failed copy, a cancelled run), and which outcomes leave the tag where it
// should be.
import { conflictMessage, refusalMessage, type ImagePlan, type TagPlan } from './plan.js'
import type { TagOutcome, TagStatus } from './types.js'

export type { TagOutcome, TagStatus } from './types.js'

/** A run whose tags all end in these did what it was asked (or, in a dry run, would). */
export const SUCCESS_STATUSES: ReadonlySet<TagStatus> = new Set([
  'created',
  'moved',
  'unchanged',
  'would-create',
  'would-move'
])

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
function blocked(tag: TagPlan, image: ImagePlan): TagOutcome | undefined {
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
      permanent: true
    }
  return undefined
}

/** A dry run: what the real run would do with the tag. */
export function dryRunOutcome(tag: TagPlan, image: ImagePlan): TagOutcome {
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
  image: ImagePlan,
  reason: string,
  status: 'skipped' | 'cancelled' = 'skipped',
  permanent = false
): TagOutcome {
  if (tag.action === 'keep') return unchanged(tag)
  return (
    blocked(tag, image) ?? {
      tag: tag.tag,
      status,
      previousDigest: tag.previousDigest,
      message: `Not written: ${reason}`,
      ...(permanent && { permanent: true })
    }
  )
}

/**
 * The outcomes of an image that could not be resolved: none of its tags was touched, and where
 * each pointed was not established, so no "before" is claimed.
 */
export function unresolvedOutcomes(
  tags: string[],
  problem: string,
  permanent: boolean
): TagOutcome[] {
  return tags.map((tag) => ({
    tag,
    status: 'skipped',
    message: `Not written: ${problem}`,
    ...(permanent && { permanent: true as const })
  }))
}
