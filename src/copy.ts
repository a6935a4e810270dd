// Carries out a CopyPlan: the missing blobs, then the missing manifests by digest, children before
// the manifests that refer to them. The tags are apply.ts's, afterwards.
import { copyBlob, type TransferOptions } from './blobs.js'
import type { Log as RunnerLog } from './runner.js'
import { mapLimit } from './concurrency.js'
import {
  bytesToCopy,
  manifestWrites,
  missingBlobs,
  type CopyPlan,
  type ManifestCopy
} from './copy-plan.js'
import type { EcrApi } from './ecr.js'
import { EcrError, PromotionError } from './errors.js'
import { explainWriteError } from './explain.js'
import type { RepositoryRef } from './inputs.js'

/** Blobs copied at once: enough to fill the link, few enough to keep memory small. */
export const BLOB_CONCURRENCY = 4
const MANIFEST_CONCURRENCY = 10

export interface CopyStats {
  blobsCopied: number
  /** Blobs the target already had. */
  blobsSkipped: number
  bytesCopied: number
  manifestsWritten: number
}

export interface CopyOptions extends TransferOptions {
  /** How often to log progress while blobs copy; 0 for never. */
  progressIntervalMs?: number
  concurrency?: number
}

/** Progress lines only: the caller owns groups and annotations. */
type Log = Pick<RunnerLog, 'info' | 'debug'>

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

async function copyBlobs(
  ecr: EcrApi,
  plan: CopyPlan,
  source: RepositoryRef,
  target: RepositoryRef,
  log: Log,
  options: CopyOptions
): Promise<Pick<CopyStats, 'blobsCopied' | 'blobsSkipped' | 'bytesCopied'>> {
  const missing = missingBlobs(plan)
  const total = bytesToCopy(plan)
  let bytes = 0
  let done = 0
  let copied = 0
  const report = (): void =>
    log.info(
      `Copied ${formatBytes(bytes)} of ${formatBytes(total)}${total > 0 ? ` (${Math.floor((100 * bytes) / total)}%)` : ''}, ${done} of ${missing.length} blobs`
    )
  const interval = options.progressIntervalMs ?? 10_000
  const ticker = interval > 0 && missing.length > 0 ? setInterval(report, interval) : undefined
  ticker?.unref()
  try {
    await mapLimit(missing, options.concurrency ?? BLOB_CONCURRENCY, async (blob) => {
      const outcome = await copyBlob(ecr, source, target, blob, {
        ...options,
        onBytes: (count) => {
          bytes += count
          options.onBytes?.(count)
        },
        log: (line) => log.info(line)
      })
      done++
      if (outcome === 'copied') copied++
      log.debug(`blob ${blob.digest}: ${outcome}`)
    })
  } finally {
    if (ticker) clearInterval(ticker)
  }
  if (missing.length > 0) report()
  return { blobsCopied: copied, blobsSkipped: plan.blobs.length - copied, bytesCopied: bytes }
}

async function writeManifest(
  ecr: EcrApi,
  target: RepositoryRef,
  node: ManifestCopy
): Promise<boolean> {
  try {
    await ecr.putImage(target, {
      manifest: node.manifest,
      mediaType: node.mediaType,
      digest: node.digest
    })
    return true
  } catch (error) {
    if (error instanceof EcrError && error.code === 'ImageAlreadyExistsException') return false
    if (error instanceof EcrError) {
      throw new PromotionError(
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
  ecr: EcrApi,
  plan: CopyPlan,
  source: RepositoryRef,
  target: RepositoryRef,
  log: Log,
  options: CopyOptions = {}
): Promise<CopyStats> {
  const blobs = await copyBlobs(ecr, plan, source, target, log, options)
  let manifestsWritten = 0
  const writes = manifestWrites(plan)
  for (const stage of [...new Set(writes.map((node) => node.stage))].sort((a, b) => a - b)) {
    const nodes = writes.filter((node) => node.stage === stage)
    const written = await mapLimit(nodes, MANIFEST_CONCURRENCY, (node) =>
      writeManifest(ecr, target, node)
    )
    manifestsWritten += written.filter(Boolean).length
    for (const node of nodes) log.info(`${node.role} ${node.digest}: written by digest`)
  }
  return { ...blobs, manifestsWritten }
}
