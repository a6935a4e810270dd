// Every tag's outcome is decided here: what a plan comes to when it is written, when it is not
// (dry run, refusal, a failed copy), and which outcomes count as the tag being where it should be.
import type { TagPlan } from './plan.js'

export type TagStatus =
  | 'created'
  | 'moved'
  | 'unchanged'
  | 'would-create'
  | 'would-move'
  | 'refused'
  | 'conflict'
  | 'failed'
  | 'skipped'

export interface TagOutcome {
  tag: string
  status: TagStatus
  previousDigest: string | null
  /** Why the tag is not where it was meant to be. */
  message?: string
}

export const SUCCESS_STATUSES: ReadonlySet<TagStatus> = new Set([
  'created',
  'moved',
  'unchanged',
  'would-create',
  'would-move'
])

/** The status a written tag gets: what its plan said. */
export function writtenStatus(tag: TagPlan): TagStatus {
  return tag.action === 'create' ? 'created' : 'moved'
}

export function written(tag: TagPlan): TagOutcome {
  return { tag: tag.tag, status: writtenStatus(tag), previousDigest: tag.previousDigest }
}

function refusal(tag: TagPlan): string {
  return `Tag "${tag.tag}" is protected by pattern "${tag.protectedBy}" and points at ${tag.previousDigest}; it must never move.`
}

/** A dry run: what the real run would do with the tag. */
export function dryRunOutcome(tag: TagPlan): TagOutcome {
  const status: TagStatus =
    tag.action === 'keep'
      ? 'unchanged'
      : tag.action === 'refuse'
        ? 'refused'
        : `would-${tag.action}`
  return {
    tag: tag.tag,
    status,
    previousDigest: tag.previousDigest,
    ...(tag.action === 'refuse' && { message: refusal(tag) })
  }
}

/**
 * A tag left as it was because the run stopped before writing it: a refused tag says why; one
 * already in place is unchanged; any other is skipped, with `reason`.
 */
export function notWritten(tag: TagPlan, reason: string): TagOutcome {
  if (tag.action === 'refuse' || tag.action === 'keep') return dryRunOutcome(tag)
  return {
    tag: tag.tag,
    status: 'skipped',
    previousDigest: tag.previousDigest,
    message: `Not written: ${reason}`
  }
}
