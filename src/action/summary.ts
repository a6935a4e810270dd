// The job summary: the promotion's record rendered as GitHub-flavoured markdown.
import { formatBytes } from '../copy/index.js'
import { describeRepository } from '../oci/index.js'
import { failedTags, type CopyReport, type PromotionReport } from '../promotion/index.js'

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
      ? [
          `copied from \`${describeRepository({ ...report.source, name: report.source.repository })}\``
        ]
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
