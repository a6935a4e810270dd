// The copy machinery: what a promotion into another repository must copy (survey.ts reads it,
// plan.ts holds it as data) and carrying it out here: the missing blobs, then the missing manifests
// by digest, children before the manifests that refer to them. It never moves a tag. It may import
// src/registry and src/oci only.
import type { RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  explainWriteError,
  mapLimit,
  type Registry
} from '../registry/index.js'
import { copyBlob } from './blobs.js'
import { bytesToCopy, missingBlobs, writeWaves, type CopyPlan, type ManifestCopy } from './plan.js'
import { CopyProgress, type ProgressListener, type ProgressLog } from './progress.js'

export * from './plan.js'
export {
  formatBytes,
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
  manifestsWritten: number
}

export interface CopyOptions {
  /** How often to log progress while blobs copy; 0 for never. */
  progressIntervalMs?: number
  /** Takes the progress instead of the log: whoever shows it decides how. */
  onProgress?: ProgressListener
  concurrency?: number
}

async function copyBlobs(
  registry: Registry,
  plan: CopyPlan,
  source: RepositoryRef,
  target: RepositoryRef,
  log: ProgressLog,
  options: CopyOptions
): Promise<Pick<CopyStats, 'blobsCopied' | 'blobsSkipped' | 'bytesCopied'>> {
  const missing = missingBlobs(plan)
  const progress = new CopyProgress(
    log,
    bytesToCopy(plan),
    missing.length,
    options.progressIntervalMs ?? 10_000,
    options.onProgress
  )
  let copied = 0
  try {
    await mapLimit(missing, options.concurrency ?? BLOB_CONCURRENCY, async (blob) => {
      const outcome = await copyBlob(registry, source, target, blob, (count) => {
        progress.bytes += count
      })
      progress.blobs++
      if (outcome === 'copied') copied++
      log.debug(`blob ${blob.digest}: ${outcome}`)
    })
  } finally {
    progress.stop()
  }
  if (missing.length > 0) progress.report()
  return {
    blobsCopied: copied,
    blobsSkipped: plan.blobs.length - copied,
    bytesCopied: progress.bytes
  }
}

/** Writes one manifest by digest; false when the target already had it. */
async function writeManifest(
  registry: Registry,
  target: RepositoryRef,
  node: ManifestCopy
): Promise<boolean> {
  try {
    await registry.putImage(target, {
      manifest: node.manifest,
      mediaType: node.mediaType,
      digest: node.digest
    })
    return true
  } catch (error) {
    if (error instanceof EcrError && error.code === 'ImageAlreadyExistsException') return false
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

/** Copies what the plan says the target lacks. Nothing here moves a tag. */
export async function applyCopy(
  registry: Registry,
  plan: CopyPlan,
  source: RepositoryRef,
  target: RepositoryRef,
  log: ProgressLog,
  options: CopyOptions = {}
): Promise<CopyStats> {
  const blobs = await copyBlobs(registry, plan, source, target, log, options)
  let manifestsWritten = 0
  for (const wave of writeWaves(plan)) {
    const written = await mapLimit(wave, MANIFEST_CONCURRENCY, (node) =>
      writeManifest(registry, target, node)
    )
    wave.forEach((node, i) =>
      log.info(`${node.role} ${node.digest}: ${written[i] ? 'written by digest' : 'already there'}`)
    )
    manifestsWritten += written.filter(Boolean).length
  }
  return { ...blobs, manifestsWritten }
}
