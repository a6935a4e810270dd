// on-failure: rollback. When the tag writes of a run fail part way, each tag this run moved goes
// back to its previous digest and each tag it created is removed: only where a fresh read shows the
// tag still at the digest this run wrote (ECR has no compare-and-swap, so a tag someone moved since
// is left alone, and named). Rollback writes are pinned to digests and paced like every write.
import type { ProgressLog } from '../copy/index.js'
import {
  EcrError,
  explainWriteError,
  isUnsupported,
  mapLimit,
  type Registry
} from '../registry/index.js'
import { claimKey, type ImagePlan } from './plan.js'
import {
  movedSince,
  rollbackFailed,
  rollbackUnread,
  rolledBack,
  type TagOutcome
} from './outcomes.js'

/** What this run wrote, and may therefore undo. */
const WRITTEN = new Set(['created', 'moved'])

/** Whether a run's tag outcomes call for a rollback: something failed, and something was written. */
export function needsRollback(outcomes: Map<ImagePlan, TagOutcome[]>): boolean {
  const all = [...outcomes.values()].flat()
  return (
    all.some((tag) => tag.status === 'failed' || tag.status === 'conflict') &&
    all.some((tag) => WRITTEN.has(tag.status))
  )
}

/** Puts one tag back where it was, or removes it; its outcome after the attempt. */
async function undo(
  registry: Registry,
  image: ImagePlan,
  outcome: TagOutcome,
  now: string | null
): Promise<TagOutcome> {
  const ours = image.source.digest
  if (now !== ours) return movedSince(outcome, now)
  const before = outcome.previousDigest ?? null
  try {
    if (before === null) {
      const answer = await registry.untag(image.target, outcome.tag)
      if (isUnsupported(answer)) throw new Error(answer.reason)
      return rolledBack(outcome)
    }
    const { images } = await registry.getImages(image.target, [{ digest: before }])
    const previous = images[0]
    if (!previous) throw new Error(`the image ${before} is no longer in the repository`)
    await registry.putImage(image.target, {
      manifest: previous.manifest,
      mediaType: previous.mediaType ?? '',
      digest: before,
      tag: outcome.tag
    })
    return rolledBack(outcome)
  } catch (error) {
    const why =
      error instanceof EcrError
        ? explainWriteError(error, {
            tag: outcome.tag,
            repository: image.target.name,
            digest: before ?? ours
          })
        : error instanceof Error
          ? error.message
          : String(error)
    return rollbackFailed(outcome, ours, why)
  }
}

/** Images rolled back at once: their reads and writes are paced by the one transport anyway. */
const IMAGES_AT_ONCE = 8

/**
 * Rolls back every tag the run wrote, images side by side: one read of each image's written tags,
 * then the undo of each still at the run's digest. Returns every image's outcomes after it.
 */
export async function rollBack(
  registry: Registry,
  outcomes: Map<ImagePlan, TagOutcome[]>,
  log: ProgressLog
): Promise<Map<ImagePlan, TagOutcome[]>> {
  // Entries naming the same image and tag wrote it once, and undo it once.
  const undone = new Map<string, Promise<TagOutcome>>()
  const once = (image: ImagePlan, tag: TagOutcome, now: string | null): Promise<TagOutcome> => {
    const key = claimKey(image, tag.tag)
    let result = undone.get(key)
    if (!result) {
      result = undo(registry, image, tag, now).then((settled) => {
        log.info(`${image.request.name} -> ${tag.tag}: ${settled.status}; ${settled.message}`)
        return settled
      })
      undone.set(key, result)
    }
    return result
  }
  const entries = [...outcomes]
  const after = await mapLimit(entries, IMAGES_AT_ONCE, async ([image, tags]) => {
    const written = tags.filter((tag) => WRITTEN.has(tag.status))
    if (written.length === 0) return tags
    const now = await registry
      .tagDigests(
        image.target,
        written.map((tag) => tag.tag)
      )
      .catch((error: unknown) => error)
    return Promise.all(
      tags.map(async (tag): Promise<TagOutcome> => {
        if (!WRITTEN.has(tag.status)) return tag
        if (!(now instanceof Map))
          return rollbackUnread(tag, now instanceof Error ? now.message : String(now))
        return once(image, tag, now.get(tag.tag) ?? null)
      })
    )
  })
  return new Map(entries.map(([image], i) => [image, after[i]!]))
}
