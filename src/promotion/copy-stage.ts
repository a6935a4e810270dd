// The copy stage: what each target lacks, copied (or mounted) before any tag moves, each missing
// target repository created first; on the first failure no other copy starts, and what reached
// each target is counted however the stage ends.
import { applyCopy, emptyStats, isComplete } from '../copy/index.js'
import { describeRepository, repositoryKey } from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  explainCreateError,
  isUnsupported,
  mapLimit,
  mayPassOnRerun,
  type Registry
} from '../registry/index.js'
import type { Dependencies } from './dependencies.js'
import { prefixed, type Log } from './log.js'
import { settingsText } from './narrate.js'
import { imageKey } from './plan.js'
import { withinGrace } from './stop.js'
import type { CopyRecord, PlannedImage } from './types.js'

/** Copies at once: each already moves four blobs in parallel. */
const COPY_CONCURRENCY = 2

/** Whether a copy's failure may pass on a rerun as it is. */
function retryableFailure(error: unknown): boolean {
  if (error instanceof EcrError) return mayPassOnRerun(error)
  return !(error instanceof ExplainedError) || error.retryable
}

/**
 * Creates each missing target repository once, however many images go into it: before their copy,
 * as the first write for them. A repository someone created meanwhile is taken as it is.
 */
function repositoryCreator(
  registry: Registry,
  log: Pick<Log, 'info'>
): (image: PlannedImage) => Promise<boolean> {
  const creating = new Map<string, Promise<boolean>>()
  return (image) => {
    const key = repositoryKey(image.target)
    let made = creating.get(key)
    if (!made) {
      const where = describeRepository(image.target)
      made = registry.createRepository(image.target, image.createTarget!).then(
        (answer) => {
          if (isUnsupported(answer)) throw new ExplainedError(`${where}: ${answer.reason}.`)
          if (answer === 'exists') {
            log.info(`The target repository ${where} was created meanwhile; used as it is`)
            return false
          }
          const unheard =
            answer === 'created-unheard'
              ? ' (its answer was lost; the repository was read back, created when this run asked)'
              : ''
          log.info(
            `Created the target repository ${where} with ${settingsText(image.createTarget!)}${unheard}`
          )
          return true
        },
        (error: unknown) => {
          if (!(error instanceof EcrError)) throw error
          throw new ExplainedError(explainCreateError(error, where), mayPassOnRerun(error))
        }
      )
      creating.set(key, made)
    }
    return made
  }
}

/** Copies what each target lacks, before any tag moves; on the first failure, no other starts. */
export async function copyAll(
  images: PlannedImage[],
  { registry, log, copy: options, stop }: Dependencies
): Promise<Map<PlannedImage, CopyRecord>> {
  const results = new Map<PlannedImage, CopyRecord>()
  const create = repositoryCreator(registry, log)
  // One copy per image and target, however many entries name them; each counts into its own
  // tally as it goes, so what a stop or a failure leaves there is reported.
  const first = new Map<string, PlannedImage>()
  const copies: PlannedImage[] = []
  for (const image of images) {
    if (!image.copy) continue
    const shared = first.get(imageKey(image))
    if (shared) {
      results.set(image, results.get(shared)!)
      continue
    }
    first.set(imageKey(image), image)
    const { plan } = image.copy
    if (isComplete(plan)) results.set(image, { plan })
    else {
      copies.push(image)
      results.set(image, { plan, stats: emptyStats(plan) })
    }
  }
  if (copies.length === 0) return results
  let failed = false
  // Copies run side by side, so they share one group, each line naming its image.
  const title =
    copies.length === 1
      ? `Copy ${copies[0]!.request.name} into ${describeRepository(copies[0]!.target)}`
      : `Copy ${copies.length} images into their targets`
  const work = log.group(title, () =>
    mapLimit(
      copies,
      COPY_CONCURRENCY,
      async (image) => {
        const result = results.get(image)!
        const lines = copies.length === 1 ? log : prefixed(log, `${image.request.name}: `)
        try {
          if (image.createTarget) result.repositoryCreated = await create(image)
          if (copies.length > 1) lines.info(`copying into ${describeRepository(image.target)}`)
          await applyCopy(
            registry,
            result.plan,
            { source: image.source.repository, target: image.target },
            lines,
            options,
            result.stats
          )
          result.done = true
        } catch (error) {
          failed = true
          result.error = error instanceof Error ? error.message : String(error)
          if (!retryableFailure(error)) result.retryable = false
          lines.info(`copy failed: ${result.error}`)
        }
      },
      { stopped: () => failed || stop?.stopping.aborted === true }
    )
  )
  // Abandoned or not, the tallies say what reached each target.
  await withinGrace(work, stop)
  return results
}
