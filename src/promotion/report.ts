// The record of a promotion as plain data: what the `result` output holds, and what every face
// reports from. Built from a PromotionResult by pure functions.
import { bytesToCopy, manifestWrites, missingBlobs } from '../copy/index.js'
import { repositoryUri } from '../oci/index.js'
import type { PromotionResult } from './types.js'
import { SUCCESS_STATUSES, type TagOutcome } from './outcomes.js'

export interface CopyReport {
  blobsCopied: number
  blobsSkipped: number
  bytesCopied: number
  manifestsWritten: number
  referrers: number
  /** In a dry run, or before a failed copy: what the target lacks. */
  blobsToCopy: number
  bytesToCopy: number
  manifestsToWrite: number
  error?: string
}

/** The `result` output: what was promoted and what happened to each tag. */
export interface PromotionReport {
  digest: string
  mediaType: string
  /** Where the tags are: the target repository. */
  repository: string
  registryId: string
  region: string
  /** For an ECR Public repository: the registry alias, as in public.ecr.aws/ALIAS/NAME. */
  publicAlias?: string
  image: string
  /** Where the image came from, when it was copied from another repository. */
  source?: { repository: string; registryId: string; region: string; publicAlias?: string }
  dryRun: boolean
  changed: boolean
  tags: Array<{
    tag: string
    status: TagOutcome['status']
    previousDigest: string | null
    message?: string
  }>
  copy?: CopyReport
}

function buildCopyReport(copy: NonNullable<PromotionResult['copy']>): CopyReport {
  return {
    blobsCopied: copy.stats?.blobsCopied ?? 0,
    blobsSkipped:
      copy.stats?.blobsSkipped ?? copy.plan.blobs.length - missingBlobs(copy.plan).length,
    bytesCopied: copy.stats?.bytesCopied ?? 0,
    manifestsWritten: copy.stats?.manifestsWritten ?? 0,
    referrers: copy.plan.referrers,
    blobsToCopy: missingBlobs(copy.plan).length,
    bytesToCopy: bytesToCopy(copy.plan),
    manifestsToWrite: manifestWrites(copy.plan).length,
    ...(copy.error !== undefined && { error: copy.error })
  }
}

export function buildReport(result: PromotionResult): PromotionReport {
  const { digest, mediaType } = result.source
  const { target } = result
  const base = repositoryUri(target)
  const copy = result.copy && buildCopyReport(result.copy)
  const tagsChanged = result.tags.some((tag) => tag.status === 'created' || tag.status === 'moved')
  return {
    digest,
    mediaType,
    repository: target.name,
    registryId: target.registryId,
    region: target.region,
    ...(target.publicAlias !== undefined && { publicAlias: target.publicAlias }),
    image: `${base}@${digest}`,
    ...(result.copy && {
      source: {
        repository: result.source.repository.name,
        registryId: result.source.repository.registryId,
        region: result.source.repository.region,
        ...(result.source.repository.publicAlias !== undefined && {
          publicAlias: result.source.repository.publicAlias
        })
      }
    }),
    dryRun: result.dryRun,
    changed:
      tagsChanged || (copy !== undefined && (copy.blobsCopied > 0 || copy.manifestsWritten > 0)),
    tags: result.tags.map(({ tag, status, previousDigest, message }) => ({
      tag,
      status,
      previousDigest,
      ...(message !== undefined && { message })
    })),
    ...(copy && { copy })
  }
}

export function failedTags(report: PromotionReport): PromotionReport['tags'] {
  return report.tags.filter((tag) => !SUCCESS_STATUSES.has(tag.status))
}

export function failureMessage(report: PromotionReport): string | undefined {
  const failed = failedTags(report)
  if (failed.length === 0) return undefined
  const done = report.tags.filter((tag) => SUCCESS_STATUSES.has(tag.status)).map((tag) => tag.tag)
  const list = failed.map((tag) => `${tag.tag} (${tag.status})`).join(', ')
  const refused = failed.some((tag) => tag.status === 'refused')
  const advice = refused
    ? 'Nothing was written: protect-tags refused to move a protected tag.'
    : report.dryRun
      ? ''
      : 'A rerun converges: tags already done are left as they are.'
  return `${failed.length} of ${report.tags.length} tag(s) not promoted: ${list}. ${
    done.length > 0 ? `Done: ${done.join(', ')}. ` : ''
  }${advice}`.trim()
}
