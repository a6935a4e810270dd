// A rollback from an earlier run's record: each tag that run wrote goes back where it was (moved
// back by PutImage of the previous image's own manifest, or removed when it did not exist), only
// where a read shows it still at the digest that run wrote. A tag moved since is refused and left
// alone; one already back is left as it is. The reads and writes are the promotion's own: paced,
// retried, read back when an answer is lost, and reported in the same record.
import { verifyManifest, ManifestError } from '../oci/index.js'
import { explainedRead, ExplainedError, mapLimit, type Registry } from '../registry/index.js'
import type { Log } from './log.js'
import {
  alreadyBack,
  refusedMovedSince,
  rollbackCutOff,
  rollbackNotSent,
  toRollBack,
  unresolvedOutcomes,
  wouldRollBack,
  type TagOutcome
} from './outcomes.js'
import { failure } from './problems.js'
import { undo } from './rollback.js'
import { ABANDONED, withinGrace, type Stop } from './stop.js'
import type { ImageRecord, PromotionRequest, PromotionResult, RollbackRequest } from './types.js'

type Entry = RollbackRequest['images'][number]

/** Images read at once, and tags put back at once: the one transport paces both. */
const IMAGES_AT_ONCE = 8
const WRITES_AT_ONCE = 10

/** What one read of an image's target found: the image that run wrote, and where its tags are. */
interface Read {
  entry: Entry
  result: ImageRecord & { tags: TagOutcome[] }
  /** Tags still at the digest that run wrote: to be put back, each to its earlier digest. */
  pending: Array<{ outcome: TagOutcome; restoreTo: string | null }>
}

/** An image whose target could not be read: none of its tags is touched. */
function unread(entry: Entry, error: unknown): Read {
  if (!(error instanceof ExplainedError) && !(error instanceof ManifestError)) throw error
  const problem = failure(
    'Not rolled back',
    `${entry.request.name}: ${error.message}`,
    error instanceof ExplainedError && error.retryable
  )
  return {
    entry,
    result: {
      request: entry.request,
      problem,
      tags: unresolvedOutcomes(entry.request.tags, problem)
    },
    pending: []
  }
}

/** One BatchGetImage per image: the image that run wrote, and where each of its tags points. */
async function readEntry(registry: Registry, entry: Entry, dryRun: boolean): Promise<Read> {
  const { target, digest, previous, request } = entry
  if (request.tags.length === 0)
    return { entry, result: { request, target, tags: [] }, pending: [] }
  try {
    const answer = await registry
      .getImagesAndTags(target, [{ digest }], request.tags)
      .catch(explainedRead(target))
    const found = answer.images.find((image) => image.digest === digest)
    const pending: Read['pending'] = []
    const tags = request.tags.map((tag) => {
      const restoreTo = previous.get(tag) ?? null
      const now = answer.tags.get(tag) ?? null
      if (now !== digest)
        return now === restoreTo ? alreadyBack(tag, restoreTo) : refusedMovedSince(tag, now)
      const outcome = toRollBack(tag, now)
      if (dryRun) return wouldRollBack(outcome, restoreTo)
      pending.push({ outcome, restoreTo })
      return outcome
    })
    const source = found && {
      ...verifyManifest(found, `image ${digest}`),
      repository: { ...target, registryId: found.registryId || target.registryId }
    }
    return { entry, result: { request, target, ...(source && { source }), tags }, pending }
  } catch (error) {
    return unread(entry, error)
  }
}

/**
 * Undoes the run the request's record is of. Returns the result every face reports, as a
 * promotion's: each image with each tag that run wrote and what became of it.
 */
export async function rollBackRecord(
  request: PromotionRequest,
  { registry, log, stop }: { registry: Registry; log: Log; stop?: Stop | undefined }
): Promise<PromotionResult> {
  const rollback = request.rollback!
  const count = rollback.images.reduce((total, image) => total + image.request.tags.length, 0)
  const reads = await log.group(
    `Read: the ${count} tag(s) the recorded run wrote${rollback.of.promotedAt ? ` (${rollback.of.promotedAt})` : ''}`,
    async () => {
      const found = await mapLimit(rollback.images, IMAGES_AT_ONCE, (entry) =>
        readEntry(registry, entry, request.dryRun)
      )
      for (const { result, pending, entry } of found)
        for (const tag of result.tags) {
          const said = pending.some(({ outcome }) => outcome === tag)
            ? `still at ${entry.digest}: to be put back`
            : `${tag.status}${tag.message ? `; ${tag.message}` : ''}`
          log.info(`${result.request.name} -> ${tag.tag}: ${said}`)
        }
      return found
    }
  )
  const writes = reads.flatMap((read) => read.pending.map((undone) => ({ read, ...undone })))
  const settled = new Map<TagOutcome, TagOutcome>()
  if (writes.length > 0) {
    const work = log.group(`Roll back: ${writes.length} tag(s)`, () =>
      mapLimit(
        writes,
        WRITES_AT_ONCE,
        async ({ read, outcome, restoreTo }) => {
          const { target, digest, request: image } = read.entry
          const after = await undo(registry, { target, digest, restoreTo, outcome }, digest)
          log.info(`${image.name} -> ${outcome.tag}: ${after.status}; ${after.message}`)
          settled.set(outcome, after)
        },
        {
          stopped: () => stop?.stopping.aborted === true,
          skip: ({ outcome }) => void settled.set(outcome, rollbackNotSent(outcome, stop!.reason()))
        }
      )
    )
    if ((await withinGrace(work, stop)) === ABANDONED)
      log.info('The rollback stopped: its grace is over')
  }
  // A tag whose undo had not settled when the grace ran out may be at either digest.
  const images = reads.map(({ entry, result, pending }) => ({
    ...result,
    tags: result.tags.map((tag) => {
      const undone = pending.find(({ outcome }) => outcome === tag)
      return (
        settled.get(tag) ??
        (undone
          ? rollbackCutOff(
              tag,
              { digest: entry.digest, restoreTo: undone.restoreTo },
              stop?.reason() ?? 'the run stopped'
            )
          : tag)
      )
    })
  }))
  return {
    images,
    release: request.release,
    dryRun: request.dryRun,
    cancelled: stop?.stopping.aborted === true,
    refused: false,
    rollbackOf: rollback.of
  }
}
