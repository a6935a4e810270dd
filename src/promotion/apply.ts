// Apply: write the tags the plan needs with PutImage, pinned to the digest, for every image at once
// under the run's shared pacing, and say truthfully what each tag is now. Any answer that does not
// plainly confirm a write, and any write still in flight when the run stopped, is read back.
import type { ProgressLog } from '../copy/index.js'
import { EcrError, mapLimit, stopsOtherWrites, type Registry } from '../registry/index.js'
import {
  answerMayBeLost,
  notAttemptedAfterFailure,
  notSent,
  readBackOutcome,
  unchanged,
  unknownOutcome,
  writeFailed,
  written,
  type TagOutcome,
  type Unconfirmed as Unsettled
} from './outcomes.js'
import { claimKey, writesOf } from './plan.js'
import type { PlannedImage, TagPlan } from './types.js'
import { ABANDONED, readBackTimeUp, withinGrace, type Stop } from './stop.js'

const stopReason = (stop: Stop | undefined): string => stop?.reason() ?? 'the run stopped'

/**
 * Writes in flight at once by default, ECR's default PutImage rate: the pacer, not this, keeps them
 * within the quota. A raised `put-image-rate` raises it (see the session).
 */
export const WRITES_IN_FLIGHT = 10

interface Write {
  image: PlannedImage
  tag: TagPlan
}

/** A write whose answer contradicts the plan, or never came; only a fresh read may settle it. */
interface Unconfirmed extends Unsettled {
  write: Write
}

/** PutImage for each tag to write; after a failure no other tag can succeed, so none is started. */
async function writeTags(
  registry: Registry,
  writes: Write[],
  log: ProgressLog,
  stop: Stop | undefined,
  inFlightAtOnce: number
): Promise<{ outcomes: Map<Write, TagOutcome>; unconfirmed: Unconfirmed[] }> {
  const outcomes = new Map<Write, TagOutcome>()
  const unconfirmed: Unconfirmed[] = []
  const inFlight = new Set<Write>()
  let failed = false
  // Once a write fails in a way no other can get past, writes still waiting for their turn are
  // not sent either.
  const halt = new AbortController()
  const settle = (write: Write, outcome: TagOutcome): void => {
    outcomes.set(write, outcome)
    log.info(`${write.image.request.name} -> ${write.tag.tag}: ${outcome.status}`)
  }
  const fail = (write: Write, error: EcrError): void => {
    failed = true
    halt.abort()
    settle(write, writeFailed(write.tag, write.image, error))
  }
  const notAttempted = (write: Write): TagOutcome =>
    failed ? notAttemptedAfterFailure(write.tag) : notSent(write.tag, stopReason(stop))
  const work = mapLimit(
    writes,
    inFlightAtOnce,
    async (write) => {
      const { image, tag } = write
      inFlight.add(write)
      try {
        const stored = await registry.putImage(image.target, {
          manifest: image.source.manifest,
          mediaType: image.source.mediaType,
          digest: image.source.digest,
          tag: tag.tag,
          notAfter: halt.signal
        })
        if (stored === image.source.digest) settle(write, written(tag))
        else unconfirmed.push({ write })
      } catch (error) {
        const failure = error instanceof EcrError ? error : new EcrError('Error', String(error))
        if (failure.kind === 'not-sent') settle(write, notAttempted(write))
        else if (failure.kind === 'cancelled') unconfirmed.push({ write, interrupted: true })
        else if (!stopsOtherWrites(failure)) unconfirmed.push({ write, error: failure })
        else if (answerMayBeLost(failure)) {
          // ECR may have applied it: no other write starts, and this one is read back before
          // anyone is told it failed.
          failed = true
          halt.abort()
          unconfirmed.push({ write, error: failure })
        } else fail(write, failure)
      } finally {
        inFlight.delete(write)
      }
    },
    {
      stopped: () => failed || stop?.stopping.aborted === true,
      skip: (write) => void outcomes.set(write, notAttempted(write))
    }
  )
  if ((await withinGrace(work, stop)) === ABANDONED) {
    // The grace is over: what is still in flight may or may not land, so it is read back; what
    // never started is certainly not written.
    for (const write of inFlight) unconfirmed.push({ write, interrupted: true })
    const pending = new Set(unconfirmed.map((entry) => entry.write))
    for (const write of writes)
      if (!outcomes.has(write) && !pending.has(write))
        outcomes.set(write, notSent(write.tag, stopReason(stop)))
  }
  return { outcomes, unconfirmed }
}

/** Reads the unconfirmed tags back, one call per image's target, and says what each is. */
async function confirm(
  registry: Registry,
  pending: Unconfirmed[],
  log: ProgressLog,
  stop: Stop | undefined
): Promise<Map<Write, TagOutcome>> {
  const outcomes = new Map<Write, TagOutcome>()
  const byImage = new Map<PlannedImage, Unconfirmed[]>()
  for (const entry of pending)
    byImage.set(entry.write.image, [...(byImage.get(entry.write.image) ?? []), entry])
  await Promise.all(
    [...byImage].map(async ([image, entries]) => {
      log.debug(`Reading back ${entries.length} tag(s) of ${image.request.name}`)
      const read = registry.tagDigests(
        image.target,
        entries.map((entry) => entry.write.tag.tag)
      )
      const current = await (
        stop?.stopping.aborted
          ? Promise.race([read, readBackTimeUp(stop).then(() => 'late' as const)])
          : read
      ).catch((error: unknown) =>
        error instanceof EcrError ? error : new EcrError('Error', String(error))
      )
      for (const entry of entries) {
        const outcome =
          current instanceof Map
            ? readBackOutcome(
                entry.write.tag,
                entry.write.image,
                entry,
                current.get(entry.write.tag.tag)
              )
            : unknownOutcome(
                entry.write.tag,
                entry.interrupted === true,
                current === 'late' ? 'took too long while stopping' : `failed (${current.code})`
              )
        outcomes.set(entry.write, outcome)
        log.info(`${image.request.name} -> ${entry.write.tag.tag}: ${outcome.status} (read back)`)
      }
    })
  )
  return outcomes
}

/**
 * Writes every tag the plan needs across its images, and tells what each tag is afterwards, per
 * image in the plan's order.
 */
export async function applyTags(
  registry: Registry,
  images: PlannedImage[],
  log: ProgressLog,
  stop?: Stop,
  writesInFlight = WRITES_IN_FLIGHT
): Promise<Map<PlannedImage, TagOutcome[]>> {
  // One write per tag of a repository: entries that name the same image and tag share it.
  const writes = new Map<string, Write>()
  for (const image of images)
    for (const tag of writesOf(image))
      if (!writes.has(claimKey(image, tag.tag)))
        writes.set(claimKey(image, tag.tag), { image, tag })
  const all = [...writes.values()]
  const { outcomes, unconfirmed } = await writeTags(registry, all, log, stop, writesInFlight)
  const confirmed = await confirm(registry, unconfirmed, log, stop)
  return new Map(
    images.map((image) => [
      image,
      image.plan.map((tag) => {
        const write = writes.get(claimKey(image, tag.tag))
        return (write && (confirmed.get(write) ?? outcomes.get(write))) ?? unchanged(tag)
      })
    ])
  )
}
