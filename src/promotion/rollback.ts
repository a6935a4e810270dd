// on-failure: rollback. When the tag writes of a run stop short (a failure, a cancellation, a
// deadline), each tag this run moved goes back to its previous digest and each tag it created is
// removed: only where a fresh read shows the tag still at the digest this run wrote (ECR has no
// compare-and-swap, so a tag someone moved since is left alone, and named). Rollback writes are
// pinned to digests and paced like every write; a stopping run still sends them, until the process
// is about to be ended.
import type { ProgressLog } from '../copy/index.js'
import type { RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  explainWriteError,
  mapLimit,
  type Registry,
  type WriteOptions
} from '../registry/index.js'
import { claimKey } from './plan.js'
import type { PlannedImage } from './types.js'
import {
  answerMayBeLost,
  IN_PLACE_STATUSES,
  movedSince,
  rollbackCutOff,
  rollbackFailed,
  rollbackUnread,
  rolledBack,
  type TagOutcome,
  WRITTEN_STATUSES
} from './outcomes.js'
import { exitNear, type Stop } from './stop.js'

/** Whether a run's tag outcomes call for a rollback: a tag is not in place (the writes failed or
 * stopped short), and another was written. */
export function needsRollback(outcomes: Map<PlannedImage, TagOutcome[]>): boolean {
  const all = [...outcomes.values()].flat()
  return (
    all.some((tag) => !IN_PLACE_STATUSES.has(tag.status)) &&
    all.some((tag) => WRITTEN_STATUSES.has(tag.status))
  )
}

/** A tag to put back: where it is, the digest the run wrote there, where it goes back to (null:
 * removed), and the tag's outcome so far. */
export interface Undo {
  target: RepositoryRef
  digest: string
  restoreTo: string | null
  outcome: TagOutcome
}

/** Where a tag points now, read once more: an error's message when it cannot be read. */
async function readTag(registry: Registry, { target, outcome }: Undo) {
  const now = await registry.tagDigests(target, [outcome.tag]).catch((error: unknown) => error)
  return now instanceof Map ? (now.get(outcome.tag) ?? null) : undefined
}

/** The write that puts the tag back: PutImage of the previous image's own manifest, or untag. */
async function restore(
  registry: Registry,
  { target, outcome, restoreTo }: Undo,
  writes: WriteOptions
) {
  const before = restoreTo
  if (before === null) {
    await registry.untag(target, outcome.tag, writes)
    return
  }
  const { images } = await registry.getImages(target, [{ digest: before }])
  const previous = images[0]
  if (!previous) throw new Error(`the image ${before} is no longer in the repository`)
  await registry.putImage(target, {
    manifest: previous.manifest,
    mediaType: previous.mediaType ?? '',
    digest: before,
    tag: outcome.tag,
    ...writes
  })
}

/**
 * Puts one tag back where it was, or removes it, if `now` (where it was just read to point) is
 * still the digest the run wrote; its outcome after the attempt. A write whose answer was lost is
 * read back before it is called failed.
 */
export async function undo(
  registry: Registry,
  item: Undo,
  now: string | null,
  writes: WriteOptions = {}
): Promise<TagOutcome> {
  const { outcome, digest, target, restoreTo: before } = item
  if (now !== digest) return movedSince(outcome, now)
  try {
    await restore(registry, item, writes)
    return rolledBack(outcome, before)
  } catch (error) {
    if (error instanceof EcrError && (answerMayBeLost(error) || error.kind === 'cancelled')) {
      const after = await readTag(registry, item)
      if (after === before) return rolledBack(outcome, before)
      if (after !== undefined && after !== digest) return movedSince(outcome, after)
    }
    const why =
      error instanceof EcrError
        ? explainWriteError(error, {
            tag: outcome.tag,
            repository: target.name,
            digest: before ?? digest
          })
        : error instanceof Error
          ? error.message
          : String(error)
    return rollbackFailed(outcome, digest, why)
  }
}

/** Images rolled back at once: their reads and writes are paced by the one transport anyway. */
const IMAGES_AT_ONCE = 8

/**
 * Rolls back every tag the run wrote, images side by side: one read of each image's written tags,
 * then the undo of each still at the run's digest. A stopping run sends these writes too, until the
 * process is about to be ended; a tag whose undo had not settled by then says so. Returns every
 * image's outcomes after it.
 */
export async function rollBack(
  registry: Registry,
  outcomes: Map<PlannedImage, TagOutcome[]>,
  log: ProgressLog,
  stop?: Stop
): Promise<Map<PlannedImage, TagOutcome[]>> {
  const stopping = stop?.stopping.aborted === true
  const writes: WriteOptions = stopping ? { despiteStop: true, notAfter: stop!.hurried } : {}
  // Entries naming the same image and tag wrote it once, and undo it once.
  const undone = new Map<string, Promise<TagOutcome>>()
  const settled = new Map<string, TagOutcome>()
  const once = (image: PlannedImage, tag: TagOutcome, now: string | null): Promise<TagOutcome> => {
    const key = claimKey(image, tag.tag)
    let result = undone.get(key)
    if (!result) {
      const item = {
        target: image.target,
        digest: image.source.digest,
        restoreTo: tag.previousDigest ?? null,
        outcome: tag
      }
      result = undo(registry, item, now, writes).then((outcome) => {
        log.info(`${image.request.name} -> ${tag.tag}: ${outcome.status}; ${outcome.message}`)
        settled.set(key, outcome)
        return outcome
      })
      undone.set(key, result)
    }
    return result
  }
  const entries = [...outcomes]
  const work = mapLimit(entries, IMAGES_AT_ONCE, async ([image, tags]) => {
    const written = tags.filter((tag) => WRITTEN_STATUSES.has(tag.status))
    if (written.length === 0) return
    const now = await registry
      .tagDigests(
        image.target,
        written.map((tag) => tag.tag)
      )
      .catch((error: unknown) => error)
    await Promise.all(
      written.map((tag) => {
        if (now instanceof Map) return once(image, tag, now.get(tag.tag) ?? null)
        const why = now instanceof Error ? now.message : String(now)
        settled.set(claimKey(image, tag.tag), rollbackUnread(tag, why))
      })
    )
  })
  await (stopping ? Promise.race([work, exitNear(stop!)]) : work)
  return new Map(
    entries.map(([image, tags]) => [
      image,
      tags.map((tag) =>
        !WRITTEN_STATUSES.has(tag.status)
          ? tag
          : (settled.get(claimKey(image, tag.tag)) ??
            rollbackCutOff(
              tag,
              { digest: image.source.digest, restoreTo: tag.previousDigest ?? null },
              stop?.reason() ?? 'the run stopped'
            ))
      )
    ])
  )
}
