import { SUCCESS_STATUSES, type TagOutcome } from './apply.js'
import { formatBytes } from './copy.js'
import { bytesToCopy, manifestWrites, missingBlobs } from './copy-plan.js'
import { describeWhere, repositoryUri } from './references.js'
import type { PromotionResult } from './run.js'
import type { Runner } from './runner.js'

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

export function setOutputs(runner: Runner, report: PromotionReport): void {
  const base = report.image.slice(0, report.image.lastIndexOf('@'))
  runner.setOutput('digest', report.digest)
  runner.setOutput('media-type', report.mediaType)
  runner.setOutput('image', report.image)
  runner.setOutput('images', report.tags.map((tag) => `${base}:${tag.tag}`).join('\n'))
  runner.setOutput('changed', String(report.changed))
  runner.setOutput('blobs-copied', String(report.copy?.blobsCopied ?? 0))
  runner.setOutput('bytes-copied', String(report.copy?.bytesCopied ?? 0))
  runner.setOutput('result', JSON.stringify(report))
}

function code(value: string | null | undefined): string {
  return value ? `\`${value}\`` : '—'
}

/** Where the tag points after the run, as far as the run knows. */
function newDigest(tag: PromotionReport['tags'][number], digest: string): string | null {
  if (
    tag.status === 'conflict' ||
    tag.status === 'failed' ||
    tag.status === 'skipped' ||
    tag.status === 'refused'
  ) {
    return null
  }
  return digest
}

export function renderSummary(report: PromotionReport): string {
  const failed = failedTags(report)
  const heading = report.dryRun
    ? 'Dry run: nothing was written'
    : failed.length > 0
      ? `${report.tags.length - failed.length} of ${report.tags.length} tags promoted`
      : `${report.tags.length} tag${report.tags.length === 1 ? '' : 's'} promoted`
  const rows = report.tags.map(
    (tag) =>
      `| \`${tag.tag}\` | ${tag.status} | ${code(tag.previousDigest)} | ${code(newDigest(tag, report.digest))} |`
  )
  const notes = report.tags
    .filter((tag) => tag.message)
    .map((tag) => `- \`${tag.tag}\`: ${tag.message}`)
  return [
    `### ECR promotion: ${heading}`,
    '',
    `Image \`${report.image}\` (${report.mediaType})`,
    ...(report.source
      ? [`copied from \`${describeWhere({ ...report.source, name: report.source.repository })}\``]
      : []),
    '',
    ...(report.copy ? [copySummary(report.copy, report.dryRun), ''] : []),
    '| Tag | Status | Previous digest | New digest |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length > 0 ? [...notes, ''] : [])
  ].join('\n')
}

function copySummary(copy: CopyReport, dryRun: boolean): string {
  const referrers = copy.referrers > 0 ? `; referrers (signatures, SBOMs): ${copy.referrers}` : ''
  if (dryRun) {
    return `Would copy ${copy.blobsToCopy} blob(s) (${formatBytes(copy.bytesToCopy)}) and write ${copy.manifestsToWrite} manifest(s) by digest; ${copy.blobsSkipped} blob(s) already there${referrers}.`
  }
  return `Blobs copied: ${copy.blobsCopied} (${formatBytes(copy.bytesCopied)}), already there: ${copy.blobsSkipped}; manifests written by digest: ${copy.manifestsWritten}${referrers}.${copy.error ? ` Copy failed: ${copy.error}` : ''}`
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

/** Outputs, job summary and annotations for a finished run; the step fails if any tag did not make it. */
export function reportResult(runner: Runner, result: PromotionResult): PromotionReport {
  const report = buildReport(result)
  setOutputs(runner, report)
  runner.appendSummary(renderSummary(report))
  for (const tag of failedTags(report)) {
    const title =
      tag.status === 'conflict'
        ? 'Tag conflict'
        : tag.status === 'refused'
          ? 'Protected tag'
          : undefined
    if (tag.message) runner.error(tag.message, { ...(title && { title }) })
  }
  const failure = failureMessage(report)
  if (failure) runner.setFailed(failure)
  return report
}
