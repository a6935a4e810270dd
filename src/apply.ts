import { mapLimit } from './concurrency.js'
import type { Log as RunnerLog } from './runner.js'
import type { EcrApi } from './ecr.js'
import { EcrError } from './errors.js'
import { explainWriteError, stopsOtherWrites } from './explain.js'
import { refusalsOf, type Plan, type TagPlan } from './plan.js'

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

/** ECR's default PutImage quota is 10 per second; the SDK's standard retries absorb any throttling. */
export const WRITE_CONCURRENCY = 10

/** Progress lines only: the caller owns groups and annotations. */
type Logger = Pick<RunnerLog, 'info' | 'debug'>

const planned = (tag: TagPlan): TagStatus => (tag.action === 'create' ? 'created' : 'moved')

function dryRunOutcome(tag: TagPlan): TagOutcome {
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
    ...(tag.protectedBy && { message: refusal(tag) })
  }
}

function refusal(tag: TagPlan): string {
  return `Tag "${tag.tag}" is protected by pattern "${tag.protectedBy}" and points at ${tag.previousDigest}; it must never move.`
}

/** A write whose answer contradicts the plan; only a fresh read of the tag may call it a success. */
interface Unconfirmed {
  tag: TagPlan
  error?: EcrError
}

/**
 * Writes every tag the plan needs. Nothing is written when the plan refuses a tag or in a dry run.
 * Any answer that does not plainly confirm the write is checked by reading the tags back.
 */
export async function applyPlan(
  ecr: EcrApi,
  plan: Plan,
  log: Logger,
  concurrency = WRITE_CONCURRENCY
): Promise<TagOutcome[]> {
  if (plan.dryRun) return plan.tags.map(dryRunOutcome)
  if (refusalsOf(plan).length > 0) {
    return plan.tags.map((tag) => {
      if (tag.action === 'refuse') return dryRunOutcome(tag)
      if (tag.action === 'keep')
        return { tag: tag.tag, status: 'unchanged', previousDigest: tag.previousDigest }
      return {
        tag: tag.tag,
        status: 'skipped',
        previousDigest: tag.previousDigest,
        message: 'Not written: a protected tag refused the promotion.'
      }
    })
  }

  const { source, target } = plan
  const outcomes = new Map<string, TagOutcome>()
  const unconfirmed: Unconfirmed[] = []
  let stop = false
  const writes = plan.tags.filter((tag) => tag.action === 'create' || tag.action === 'move')

  await mapLimit(
    writes,
    concurrency,
    async (tag) => {
      try {
        const stored = await ecr.putImage(target, {
          manifest: source.manifest,
          mediaType: source.mediaType,
          digest: source.digest,
          tag: tag.tag
        })
        if (stored === source.digest) {
          outcomes.set(tag.tag, {
            tag: tag.tag,
            status: planned(tag),
            previousDigest: tag.previousDigest
          })
          log.info(`${tag.tag}: ${planned(tag)}`)
        } else {
          unconfirmed.push({ tag })
        }
      } catch (error) {
        const failure = error instanceof EcrError ? error : new EcrError('Error', String(error))
        if (!stopsOtherWrites(failure)) {
          unconfirmed.push({ tag, error: failure })
          return
        }
        stop = true
        const message = explainWriteError(failure, {
          tag: tag.tag,
          repository: target.name,
          digest: source.digest
        })
        outcomes.set(tag.tag, {
          tag: tag.tag,
          status: 'failed',
          previousDigest: tag.previousDigest,
          message
        })
        log.info(`${tag.tag}: failed (${failure.code})`)
      }
    },
    {
      stopped: () => stop,
      skip: (tag) => {
        outcomes.set(tag.tag, {
          tag: tag.tag,
          status: 'skipped',
          previousDigest: tag.previousDigest,
          message: 'Not attempted after an earlier write failed; rerun to finish.'
        })
      }
    }
  )

  for (const outcome of await confirm(ecr, plan, unconfirmed, log))
    outcomes.set(outcome.tag, outcome)

  return plan.tags.map(
    (tag) =>
      outcomes.get(tag.tag) ?? {
        tag: tag.tag,
        status: 'unchanged',
        previousDigest: tag.previousDigest
      }
  )
}

/** Where each tag points now: BatchGetImage, or for ECR Public its API, which no CDN caches. */
async function currentDigests(
  ecr: EcrApi,
  target: Plan['target'],
  tags: string[]
): Promise<Map<string, string>> {
  if (target.publicAlias !== undefined) {
    const digests = await ecr.publicTagDigests(target, tags)
    return new Map([...digests].filter((entry): entry is [string, string] => entry[1] !== null))
  }
  const { images } = await ecr.getImages(
    target,
    tags.map((tag) => ({ tag }))
  )
  return new Map(
    images.filter((image) => image.tag !== undefined).map((image) => [image.tag!, image.digest])
  )
}

/** Reads the unconfirmed tags back in one call and says what each really is. */
async function confirm(
  ecr: EcrApi,
  plan: Plan,
  pending: Unconfirmed[],
  log: Logger
): Promise<TagOutcome[]> {
  if (pending.length === 0) return []
  const { source, target } = plan
  log.debug(`Reading back ${pending.length} tag(s) whose write answer did not confirm the plan`)
  let current: Map<string, string>
  try {
    current = await currentDigests(
      ecr,
      target,
      pending.map(({ tag }) => tag.tag)
    )
  } catch (error) {
    const code = error instanceof EcrError ? error.code : String(error)
    return pending.map(({ tag }) => ({
      tag: tag.tag,
      status: 'failed',
      previousDigest: tag.previousDigest,
      message: `The write of tag "${tag.tag}" was not confirmed and reading it back failed (${code}); rerun to be sure.`
    }))
  }
  return pending.map(({ tag, error }): TagOutcome => {
    const now = current.get(tag.tag)
    if (now === source.digest) {
      // Our own earlier attempt may have landed before a retry was told the image already exists.
      const ours = error === undefined || error.attempts > 1
      const status = ours ? planned(tag) : 'unchanged'
      log.info(`${tag.tag}: ${status} (confirmed by reading the tag back)`)
      return { tag: tag.tag, status, previousDigest: tag.previousDigest }
    }
    if (error?.code === 'ImageTagAlreadyExistsException' && now !== undefined) {
      log.info(`${tag.tag}: conflict`)
      return {
        tag: tag.tag,
        status: 'conflict',
        previousDigest: tag.previousDigest,
        message: `Tag "${tag.tag}" is immutable in "${target.name}" and points at ${now}, not at ${source.digest}; it was left as it is. Promote under a new tag, or change the repository's tag mutability.`
      }
    }
    const answer = error ? error.code : 'a success'
    log.info(`${tag.tag}: failed (not confirmed)`)
    return {
      tag: tag.tag,
      status: 'failed',
      previousDigest: tag.previousDigest,
      message: `ECR answered ${answer} for tag "${tag.tag}", but the tag now points at ${now ?? 'nothing'}, not at ${source.digest}. Another writer may be moving it; rerun to converge.`
    }
  })
}
