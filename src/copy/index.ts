// The copy machinery: what a promotion into another repository must copy (survey.ts reads it,
// plan.ts holds it as data) and carrying it out here: the missing blobs, then the missing manifests
// by digest, children before the manifests that refer to them. It never moves a tag. It may import
// src/registry and src/oci only.
import { describeRepository, formatBytes, type RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  explainCopyError,
  explainWriteError,
  isUnsupported,
  madeSince,
  mayPassOnRerun,
  mapLimit,
  type Registry
} from '../registry/index.js'
import { copyBlob } from './blobs.js'
import { bytesToCopy, missingBlobs, writeWaves, type CopyPlan, type ManifestCopy } from './plan.js'
import { CopyProgress, type ProgressListener, type ProgressLog } from './progress.js'

export * from './plan.js'
export {
  progressText,
  rateText,
  type CopyProgressState,
  type ProgressListener,
  type ProgressLog
} from './progress.js'
export { surveyCopy, type SurveyRequest } from './survey.js'

/** Blobs copied at once: enough to fill the link, few enough to keep memory small. */
const BLOB_CONCURRENCY = 4
const MANIFEST_CONCURRENCY = 10

export interface CopyStats {
  blobsCopied: number
  /** Blobs the target already had. */
  blobsSkipped: number
  bytesCopied: number
  /** Blobs the registry mounted from the source instead of a copy, and their bytes (not moved). */
  blobsMounted: number
  bytesMounted: number
  manifestsWritten: number
}

export interface CopyOptions {
  /** How often to log progress while blobs copy; 0 for never. */
  progressIntervalMs?: number
  /** Takes the progress instead of the log: whoever shows it decides how. */
  onProgress?: ProgressListener
  concurrency?: number
}

/** What a copy has done so far, counted as it goes, so a copy cut short still says what it did. */
export function emptyStats(plan: CopyPlan): CopyStats {
  return {
    blobsCopied: 0,
    blobsSkipped: plan.blobs.length - missingBlobs(plan).length,
    bytesCopied: 0,
    blobsMounted: 0,
    bytesMounted: 0,
    manifestsWritten: 0
  }
}

/**
 * Whether the registry mounted the blob from the source (within one registry, where it allows):
 * then nothing is copied. Anything else, a failed request included, leaves the blob to the copy.
 */
async function mounted(
  registry: Registry,
  route: { source: RepositoryRef; target: RepositoryRef },
  digest: string,
  log: ProgressLog
): Promise<boolean> {
  try {
    const answer = await registry.mountBlob(route.target, route.source, digest)
    if (answer === 'mounted') log.debug(`blob ${digest}: mounted from ${route.source.name}`)
    return answer === 'mounted'
  } catch (error) {
    if (error instanceof EcrError && (error.kind === 'cancelled' || error.kind === 'not-sent'))
      throw error
    log.debug(`blob ${digest}: not mounted (${String(error)}); copying it`)
    return false
  }
}

async function copyBlobs(
  registry: Registry,
  plan: CopyPlan,
  route: { source: RepositoryRef; target: RepositoryRef },
  tally: CopyStats,
  log: ProgressLog,
  options: CopyOptions
): Promise<void> {
  const missing = missingBlobs(plan)
  const progress = new CopyProgress(
    log,
    bytesToCopy(plan),
    missing.length,
    options.progressIntervalMs ?? 10_000,
    options.onProgress
  )
  try {
    await mapLimit(missing, options.concurrency ?? BLOB_CONCURRENCY, async (blob) => {
      if (await mounted(registry, route, blob.digest, log)) {
        progress.blobs++
        progress.bytes += blob.size ?? 0
        tally.blobsMounted++
        tally.bytesMounted += blob.size ?? 0
        return
      }
      let sent = 0
      const outcome = await copyBlob(registry, route.source, route.target, blob, (count) => {
        progress.bytes += count
        sent += count
      }).catch((error: unknown) => {
        if (!(error instanceof EcrError) || error.kind === 'cancelled' || error.kind === 'not-sent')
          throw error
        throw new ExplainedError(
          explainCopyError(error, {
            blob: blob.digest,
            source: describeRepository(route.source),
            target: describeRepository(route.target)
          }),
          mayPassOnRerun(error),
          error.code
        )
      })
      progress.blobs++
      // Counted once the target holds the blob: what a stop or a failure leaves there is told.
      if (outcome === 'copied') {
        tally.blobsCopied++
        tally.bytesCopied += sent
      } else tally.blobsSkipped++
      log.debug(`blob ${blob.digest}: ${outcome}`)
    })
  } finally {
    progress.stop()
  }
  if (missing.length > 0) progress.report()
  if (tally.blobsMounted > 0)
    log.info(
      `Of them, ${tally.blobsMounted} blob(s) (${formatBytes(tally.bytesMounted)}) mounted from ${describeRepository(route.source)}: no bytes moved`
    )
}

/**
 * Writes one manifest by digest; false when the target already had it. A retry that finds it there
 * after an attempt whose answer was lost reads when it was pushed: since the first attempt, this
 * run wrote it.
 */
async function writeManifest(
  registry: Registry,
  target: RepositoryRef,
  node: ManifestCopy
): Promise<boolean> {
  const sentAt = Date.now()
  try {
    await registry.putImage(target, {
      manifest: node.manifest,
      mediaType: node.mediaType,
      digest: node.digest
    })
    return true
  } catch (error) {
    if (error instanceof EcrError && error.code === 'ImageAlreadyExistsException')
      return error.unanswered > 0 && (await pushedSince(registry, target, node.digest, sentAt))
    if (error instanceof EcrError) {
      throw new ExplainedError(
        explainWriteError(error, {
          tag: `(${node.role} by digest)`,
          repository: target.name,
          digest: node.digest
        })
      )
    }
    throw error
  }
}

/** Whether the image was pushed into the repository no earlier than `sentAt`; false when unread. */
async function pushedSince(
  registry: Registry,
  repository: RepositoryRef,
  digest: string,
  sentAt: number
): Promise<boolean> {
  const details = await registry.imageDetails(repository, [{ digest }]).catch(() => undefined)
  if (!details || isUnsupported(details)) return false
  return madeSince(details.get(digest)?.pushedAt, sentAt)
}

/**
 * Copies what the plan says the target lacks, counting into `tally` as it goes (so a caller that
 * stops waiting, or sees it fail, still knows what reached the target). Nothing here moves a tag.
 */
export async function applyCopy(
  registry: Registry,
  plan: CopyPlan,
  route: { source: RepositoryRef; target: RepositoryRef },
  log: ProgressLog,
  options: CopyOptions = {},
  tally: CopyStats = emptyStats(plan)
): Promise<CopyStats> {
  await copyBlobs(registry, plan, route, tally, log, options)
  for (const wave of writeWaves(plan)) {
    await mapLimit(wave, MANIFEST_CONCURRENCY, async (node) => {
      const written = await writeManifest(registry, route.target, node)
      if (written) tally.manifestsWritten++
      log.info(`${node.role} ${node.digest}: ${written ? 'written by digest' : 'already there'}`)
    })
  }
  return tally
}
