// What a report says in words: the one line that sums a run up, and what to do next. Pure views
// of the records the report module builds.
import { IN_PLACE_STATUSES, rollbackTried, SUCCESS_STATUSES, WRITTEN_STATUSES } from './outcomes.js'
import { CLAIM_TITLE, TAG_LIMIT_TITLE } from './plan.js'
import { signingFailed, type PromotionReport, type RunStatus, type TagReport } from './report.js'

/** The images refused because more tags would pass ECR's limit of tags per image. */
const overTagLimit = (reports: PromotionReport[]): PromotionReport[] =>
  reports.filter((report) => report.problems?.some((p) => p.title === TAG_LIMIT_TITLE))

/** What a rollback left: everything put back, or which tags could not be (see each). */
function rollbackSentence(tags: TagReport[]): string {
  // Still where this run put it (its undo failed or did not finish), or moved by someone else.
  const left = tags.filter((tag) => tag.rollback !== undefined)
  return left.length > 0
    ? `Rolled back what could be; ${left.map((tag) => tag.tag).join(', ')} could not be (see each)`
    : 'Every tag this run wrote was put back where it was'
}

/** What to do next, in one line, when a run did not do all it was asked. */
export function nextStep(
  status: RunStatus,
  reports: PromotionReport[],
  cancelReason?: string,
  rollback = false
): string {
  if (rollback) return rollbackNextStep(status, cancelReason)
  const tags = reports.flatMap((report) => report.tags)
  switch (status) {
    case 'refused': {
      const kinds = new Set(tags.map((tag) => tag.status))
      const reasons = [
        ...(reports.some((report) => report.problem)
          ? ['promote the image the guard expects, or change the guard']
          : []),
        ...(reports.some((report) => report.gates?.some((verdict) => !verdict.passed))
          ? ['make the image pass its gates (a fixed build, its scan, its signature)']
          : []),
        ...(kinds.has('refused') ? ['leave protected tags out or move them by hand'] : []),
        ...(kinds.has('conflict') ? ['use tags that are free, or change the tag mutability'] : []),
        ...(overTagLimit(reports).length > 0
          ? ['remove tags the image no longer needs, or promote fewer']
          : []),
        ...(reports.some((report) => report.problems?.some((p) => p.title === CLAIM_TITLE))
          ? ['give each image its own tags']
          : [])
      ]
      return `Nothing was written. To go ahead, ${reasons.join('; ') || 'fix the problems above'}, then run again.`
    }
    case 'cancelled':
      return tags.some(rollbackTried)
        ? `The run stopped before it finished: ${cancelReason ?? 'it was cancelled'}. ${rollbackSentence(tags)}; run again to promote.`
        : `The run stopped before it finished: ${cancelReason ?? 'it was cancelled'}. A rerun finishes what is left, and tags already done stay done.`
    case 'failed': {
      const unsigned = reports.filter(signingFailed)
      if (unsigned.length > 0 && tags.every((tag) => SUCCESS_STATUSES.has(tag.status)))
        return "The tags are in place, but ECR's managed signing failed: fix what the failure code names (the Signer profile, or the promoting role's signer:SignPayload), then push the image again to have it signed."
      if (reports.some((report) => report.problem !== undefined) && !reports.some((r) => r.changed))
        return tags.some((tag) => tag.retryable === false)
          ? 'Nothing was written. Fix what the error names (the source or target as given, or access to them), then run again.'
          : 'Nothing was written; run again once ECR answers (the error above says what it did not answer).'
      const permanent = tags.some((tag) => tag.retryable === false)
      if (tags.some(rollbackTried))
        return `${rollbackSentence(tags)}; fix what failed, then run again.`
      // Only a run that wrote a tag has tags "already done".
      if (!tags.some((tag) => WRITTEN_STATUSES.has(tag.status)))
        return permanent
          ? 'No tag was written; what failed needs a change (permissions, tags, limits) before a rerun can promote.'
          : 'No tag was written. A rerun finishes what was started and writes the tags.'
      return permanent
        ? 'Tags already done stay done; what failed needs a change (permissions, tags, limits) before a rerun can finish it.'
        : 'A rerun finishes: tags already done are left as they are.'
    }
    default:
      return ''
  }
}

/** The run's outcome in one line, or undefined when it did everything it was asked. */
export function outcomeLine(
  reports: PromotionReport[],
  status: RunStatus,
  rollback = false
): string | undefined {
  if (rollback) return rollbackOutcomeLine(reports, status)
  if (status === 'promoted' || status === 'unchanged' || status === 'dry-run') return undefined
  const tags = reports.flatMap((report) => report.tags)
  const failed = tags.filter((tag) => !SUCCESS_STATUSES.has(tag.status))
  const done = tags.filter((tag) => IN_PLACE_STATUSES.has(tag.status)).map((tag) => tag.tag)
  const list = failed.map((tag) => `${tag.tag} (${tag.status})`).join(', ')
  const unsigned = reports.filter(signingFailed)
  if (status === 'failed' && failed.length === 0 && unsigned.length > 0)
    return `Promoted, but ECR's managed signing failed for ${unsigned
      .map(
        (report) =>
          `${report.name} (${report
            .signing!.statuses!.filter((s) => s.status === 'FAILED')
            .map((s) => s.failureCode ?? 'FAILED')
            .join(', ')})`
      )
      .join(', ')}.`
  if (status === 'refused') {
    const guarded = reports.filter((report) => report.problem).map((report) => report.name)
    const gated = reports.filter((report) => report.gates?.some((verdict) => !verdict.passed))
    const blocked = failed.filter((tag) => tag.status === 'refused' || tag.status === 'conflict')
    const parts = [
      ...(guarded.length > 0 ? [`${guarded.join(', ')} refused by a guard`] : []),
      ...(gated.length > 0
        ? [`${gated.map((report) => report.name).join(', ')} refused by a gate`]
        : []),
      ...(blocked.length > 0
        ? [`${blocked.map((tag) => `${tag.tag} (${tag.status})`).join(', ')}`]
        : []),
      ...(overTagLimit(reports).length > 0
        ? [
            `${overTagLimit(reports)
              .map((report) => report.name)
              .join(', ')} over ECR's tag limit`
          ]
        : [])
    ]
    return `Refused before any write: ${parts.join('; ')}.`
  }
  return `${failed.length} of ${tags.length} tag(s) not promoted: ${list}.${done.length > 0 ? ` Done: ${done.join(', ')}.` : ''}`
}

/** A rollback from a record that did not put every tag back: which, and how each ended. */
function rollbackOutcomeLine(reports: PromotionReport[], status: RunStatus): string | undefined {
  if (status === 'rolled-back' || status === 'unchanged' || status === 'dry-run') return undefined
  const tags = reports.flatMap((report) => report.tags)
  const left = tags.filter(
    (tag) => !['rolled-back', 'would-roll-back', 'unchanged'].includes(tag.status)
  )
  const list = left.map((tag) => `${tag.tag} (${tag.status})`).join(', ')
  return `${left.length} of ${tags.length} tag(s) not rolled back: ${list}.`
}

/** What to do after a rollback from a record that did not put every tag back. */
function rollbackNextStep(status: RunStatus, cancelReason?: string): string {
  switch (status) {
    case 'refused':
      return 'Tags moved since that run were left alone: a rollback undoes only what that run wrote. Move them by hand if they should go back too.'
    case 'failed':
      return 'Fix what failed, then run the rollback again: tags already back are left as they are.'
    case 'cancelled':
      return `The rollback stopped before it finished: ${cancelReason ?? 'it was cancelled'}. Run it again to finish; tags already back are left as they are.`
    default:
      return ''
  }
}
