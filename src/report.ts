import { SUCCESS_STATUSES, type TagOutcome } from './apply.js'
import { registryHost } from './references.js'
import type { PromotionResult } from './run.js'
import type { Runner } from './runner.js'

/** The `result` output: what was promoted and what happened to each tag. */
export interface PromotionReport {
  digest: string
  mediaType: string
  repository: string
  registryId: string
  region: string
  image: string
  dryRun: boolean
  changed: boolean
  tags: Array<{
    tag: string
    status: TagOutcome['status']
    previousDigest: string | null
    message?: string
  }>
}

export function buildReport(result: PromotionResult): PromotionReport {
  const { repository, digest, mediaType } = result.source
  const base = `${registryHost(repository.registryId, repository.region)}/${repository.name}`
  return {
    digest,
    mediaType,
    repository: repository.name,
    registryId: repository.registryId,
    region: repository.region,
    image: `${base}@${digest}`,
    dryRun: result.dryRun,
    changed: result.tags.some((tag) => tag.status === 'created' || tag.status === 'moved'),
    tags: result.tags.map(({ tag, status, previousDigest, message }) => ({
      tag,
      status,
      previousDigest,
      ...(message !== undefined && { message })
    }))
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
    '',
    '| Tag | Status | Previous digest | New digest |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length > 0 ? [...notes, ''] : [])
  ].join('\n')
}

export function failureMessage(report: PromotionReport): string | undefined {
  const failed = failedTags(report)
  if (failed.length === 0) return undefined
  const done = report.tags.filter((tag) => SUCCESS_STATUSES.has(tag.status)).map((tag) => tag.tag)
  const list = failed.map((tag) => `${tag.tag} (${tag.status})`).join(', ')
  return `${failed.length} of ${report.tags.length} tag(s) not promoted: ${list}. ${
    done.length > 0 ? `Done: ${done.join(', ')}. ` : ''
  }${report.dryRun ? '' : 'A rerun converges: tags already done are left as they are.'}`.trim()
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
