// Apply: write the tags the plan needs with PutImage, pinned to the digest, and say truthfully what
// each tag is now. Any answer that does not plainly confirm a write is checked by reading back.
import type { ProgressLog } from '../copy/index.js'
import {
  EcrError,
  explainWriteError,
  mapLimit,
  stopsOtherWrites,
  type Registry
} from '../registry/index.js'
import { written, writtenStatus, type TagOutcome } from './outcomes.js'
import { writesOf, type Plan, type TagPlan } from './plan.js'

/** ECR's default PutImage quota is 10 per second; retries absorb any throttling. */
const WRITE_CONCURRENCY = 10

/** A write whose answer contradicts the plan; only a fresh read of the tag may call it a success. */
interface Unconfirmed {
  tag: TagPlan
  error?: EcrError
}

interface Writes {
  outcomes: Map<string, TagOutcome>
  unconfirmed: Unconfirmed[]
}

/** PutImage for each tag to write; after a failure no other tag can succeed, start no new write. */
async function writeTags(
  registry: Registry,
  plan: Plan,
  log: ProgressLog,
  concurrency: number
): Promise<Writes> {
  const { source, target } = plan
  const outcomes = new Map<string, TagOutcome>()
  const unconfirmed: Unconfirmed[] = []
  let stop = false
  await mapLimit(
    writesOf(plan),
    concurrency,
    async (tag) => {
      try {
        const stored = await registry.putImage(target, {
          manifest: source.manifest,
          mediaType: source.mediaType,
          digest: source.digest,
          tag: tag.tag
        })
        if (stored !== source.digest) return void unconfirmed.push({ tag })
        outcomes.set(tag.tag, written(tag))
        log.info(`${tag.tag}: ${writtenStatus(tag)}`)
      } catch (error) {
        const failure = error instanceof EcrError ? error : new EcrError('Error', String(error))
        if (!stopsOtherWrites(failure)) return void unconfirmed.push({ tag, error: failure })
        stop = true
        outcomes.set(tag.tag, {
          tag: tag.tag,
          status: 'failed',
          previousDigest: tag.previousDigest,
          message: explainWriteError(failure, {
            tag: tag.tag,
            repository: target.name,
            digest: source.digest
          })
        })
        log.info(`${tag.tag}: failed (${failure.code})`)
      }
    },
    {
      stopped: () => stop,
      skip: (tag) =>
        void outcomes.set(tag.tag, {
          tag: tag.tag,
          status: 'skipped',
          previousDigest: tag.previousDigest,
          message: 'Not attempted after an earlier write failed; rerun to finish.'
        })
    }
  )
  return { outcomes, unconfirmed }
}

/** What a tag whose write was not plainly confirmed really is, now that it has been read back. */
function confirmedOutcome(
  { tag, error }: Unconfirmed,
  now: string | null | undefined,
  plan: Plan
): TagOutcome {
  const { source, target } = plan
  if (now === source.digest) {
    // Our own earlier attempt may have landed before a retry was told the image already exists.
    const ours = error === undefined || error.attempts > 1
    return ours
      ? written(tag)
      : { tag: tag.tag, status: 'unchanged', previousDigest: tag.previousDigest }
  }
  if (error?.code === 'ImageTagAlreadyExistsException' && now) {
    return {
      tag: tag.tag,
      status: 'conflict',
      previousDigest: tag.previousDigest,
      message: `Tag "${tag.tag}" is immutable in "${target.name}" and points at ${now}, not at ${source.digest}; it was left as it is. Promote under a new tag, or change the repository's tag mutability.`
    }
  }
  return {
    tag: tag.tag,
    status: 'failed',
    previousDigest: tag.previousDigest,
    message: `ECR answered ${error ? error.code : 'a success'} for tag "${tag.tag}", but the tag now points at ${now ?? 'nothing'}, not at ${source.digest}. Another writer may be moving it; rerun to converge.`
  }
}

/** Reads the unconfirmed tags back in one call and says what each really is. */
async function confirm(
  registry: Registry,
  plan: Plan,
  pending: Unconfirmed[],
  log: ProgressLog
): Promise<TagOutcome[]> {
  if (pending.length === 0) return []
  log.debug(`Reading back ${pending.length} tag(s) whose write answer did not confirm the plan`)
  let current: Map<string, string | null>
  try {
    current = await registry.tagDigests(
      plan.target,
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
  return pending.map((entry) => {
    const outcome = confirmedOutcome(entry, current.get(entry.tag.tag), plan)
    log.info(
      `${entry.tag.tag}: ${outcome.status} (${outcome.status === 'failed' ? 'not confirmed' : 'confirmed by reading the tag back'})`
    )
    return outcome
  })
}

/** Writes every tag the plan needs, and tells what each tag is afterwards, in the plan's order. */
export async function applyPlan(
  registry: Registry,
  plan: Plan,
  log: ProgressLog,
  concurrency = WRITE_CONCURRENCY
): Promise<TagOutcome[]> {
  const { outcomes, unconfirmed } = await writeTags(registry, plan, log, concurrency)
  for (const outcome of await confirm(registry, plan, unconfirmed, log))
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
