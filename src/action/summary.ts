// The job summary: what happened, for a release engineer reading it at a glance in GitHub's pane
// (about 1,000 px wide). A headline whose mark differs for each outcome, the source and the
// target, short digests in the tables and the full ones folded away, the copy's figures, and one
// line saying what to do next when something did not happen.
import {
  describeRepository,
  formatBytes,
  isSameRepository,
  shortDigest as shortOf
} from '../oci/index.js'
import type {
  CopyReport,
  EarlyFailureReport,
  PromotionReport,
  Provenance,
  ReleaseReport,
  RunStatus,
  TagReport
} from '../promotion/index.js'
import {
  IN_PLACE_STATUSES,
  WORST_FIRST,
  WRITTEN_STATUSES,
  digestAfter,
  heldBack,
  needsAttention,
  nextStep,
  rollbackTried,
  signingFailed,
  settingsText
} from '../promotion/index.js'
import { problemsOf, type Annotation } from './annotations.js'
import type { Summary } from './runner.js'

const MARKS: Record<RunStatus, string> = {
  promoted: '✅',
  unchanged: '➖',
  'dry-run': '🔍',
  refused: '⛔',
  failed: '❌',
  cancelled: '⏹️',
  'rolled-back': '↩️',
  'input-error': '⚠️'
}

const TAG_MARKS: Record<TagReport['status'], string> = {
  created: '✅',
  moved: '✅',
  unchanged: '➖',
  'would-create': '🔍',
  'would-move': '🔍',
  refused: '⛔',
  conflict: '⛔',
  failed: '❌',
  skipped: '⏭️',
  cancelled: '⏹️',
  'rolled-back': '↩️',
  'would-roll-back': '🔍'
}

/** Text from outside (tags, messages) goes into HTML cells and must stay text. */
function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

const code = (text: string): string => `<code>${escape(text)}</code>`

/** A digest shortened for a table, as code; a dash for none. */
export function shortDigest(digest: string | null | undefined): string {
  return digest ? code(shortOf(digest)) : '—'
}

/** A stopped run's headline word: a deadline times out, a signal cancels. */
const stoppedWord = (view: SummaryView): string => (view.timedOut ? 'Timed out' : 'Cancelled')

/** A rollback from a record, at a glance: how many of the tags its run wrote are back. */
function rollbackHeadline(
  status: RunStatus,
  tags: TagReport[],
  what: string,
  view: SummaryView
): string {
  const back = tags.filter((tag) => tag.status === 'rolled-back' || tag.status === 'unchanged')
  const all = `${tags.length} tag${tags.length === 1 ? '' : 's'}`
  switch (status) {
    case 'rolled-back':
    case 'unchanged':
      return `Rolled back ${what}: all ${all} its run wrote are where they were before it`
    case 'dry-run':
      return `Dry run: rolling back ${what} would put back ${all}; nothing was written`
    case 'cancelled':
      return `${stoppedWord(view)}: ${back.length} of ${all} of ${what} back when the run stopped`
    default:
      return `Rolled back ${what} in part: ${back.length} of ${all} back where they were`
  }
}

function headline(report: PromotionReport, view: SummaryView): string {
  if (report.rollbackOf)
    return rollbackHeadline(report.status, report.tags, escape(shortName(report.name)), view)
  const count = report.tags.length
  const tags = `${count} tag${count === 1 ? '' : 's'}`
  const written = report.tags.filter((tag) => WRITTEN_STATUSES.has(tag.status))
  const inPlace = report.tags.filter((tag) => IN_PLACE_STATUSES.has(tag.status)).length
  const name = escape(shortName(report.name))
  switch (report.status) {
    case 'promoted':
      return `Promoted ${name} to ${written.length === count ? tags : `${written.length} of ${tags} (the rest already in place)`}`
    case 'unchanged':
      return `Nothing to change: ${name} already carries ${count === 1 ? 'its tag' : `all ${tags}`}`
    case 'dry-run':
      return `Dry run: ${name} would be promoted; nothing was written`
    case 'refused':
      return `Refused: nothing was written for ${name}`
    case 'failed':
      if (signingFailed(report) && inPlace === count)
        return `Signing failed: ${name} is promoted to ${tags}, but ECR's managed signing failed`
      if (report.tags.some(rollbackTried))
        return `Failed and rolled back: ${inPlace} of ${tags} of ${name} left in place`
      return report.problem || !report.changed
        ? `Failed: nothing was written for ${name}`
        : `Failed: ${inPlace} of ${tags} of ${name} in place`
    case 'cancelled':
      if (report.tags.some(rollbackTried))
        return `${stoppedWord(view)} and rolled back: ${inPlace} of ${tags} of ${name} left in place`
      return `${stoppedWord(view)}: ${inPlace} of ${tags} of ${name} in place when the run stopped`
    case 'rolled-back':
      return rollbackHeadline(report.status, report.tags, name, view)
    case 'input-error':
      return `Input error`
  }
}

/** A target repository that did not exist: created by this run, or to be. */
function newRepositoryLine(report: PromotionReport): string {
  const { created, settings } = report.newRepository!
  const what = created
    ? 'Created the target repository'
    : report.dryRun
      ? 'Would create the target repository'
      : 'The target repository was not created'
  return `${what} ${code(targetName(report))} with ${escape(settingsText(settings))}.`
}

function copyLine(copy: CopyReport, report: PromotionReport): string {
  const referrers = copy.referrers > 0 ? `; referrers (signatures, SBOMs): ${copy.referrers}` : ''
  const manifests = copy.manifestsToWrite > 0 ? ` and ${copy.manifestsToWrite} manifest(s)` : ''
  const needed = `${copy.blobsToCopy} blob(s) (${formatBytes(copy.bytesToCopy)})${manifests}`
  if (report.dryRun)
    return `Would copy ${needed} by digest; ${copy.blobsSkipped} blob(s) already there${referrers}.`
  const started =
    copy.blobsCopied > 0 ||
    copy.blobsMounted > 0 ||
    copy.manifestsWritten > 0 ||
    copy.error !== undefined
  if (!started && copy.blobsToCopy + copy.manifestsToWrite === 0)
    return `Nothing to copy: the target already holds every blob and manifest${referrers}.`
  if (!started && report.status !== 'promoted' && report.status !== 'unchanged')
    return `Nothing copied: the run stopped before any of the ${needed} the target lacks reached it${referrers}.`
  const mounted =
    copy.blobsMounted > 0
      ? `Mounted ${copy.blobsMounted} blob(s) (${formatBytes(copy.bytesMounted)}) from the source, moving no bytes; `
      : ''
  return `${mounted}Copied ${copy.blobsCopied} blob(s) (${formatBytes(copy.bytesCopied)}), ${copy.blobsSkipped} already there; ${copy.manifestsWritten} manifest(s) written by digest${referrers}.${copy.error ? ` The copy failed: ${escape(copy.error)}` : ''}`
}

const GATE_NAMES: Record<string, string> = {
  vulnerability: 'Vulnerability scan',
  'ecr-signature': 'ECR signature',
  'sigstore-signature': 'Sigstore signature'
}

/**
 * Each gate's verdict, one line each: the counts, or who signed. A refusal's reason is in the
 * problems, once; here a refused vulnerability gate shows what it counted, and how.
 */
/** Lifecycle rules that would expire or archive promoted images, when they only warn: the first
 * ten, and how many more the result holds. */
function lifecycleLines(reports: PromotionReport[]): string {
  const warned = reports.filter(
    (report) =>
      report.lifecycle && !report.problems?.some((problem) => problem.title === 'Lifecycle policy')
  )
  if (warned.length === 0) return ''
  const items = warned
    .slice(0, 10)
    .map((report) => `<li>⚠️ ${escape(report.lifecycle!.message)}</li>`)
  if (warned.length > 10) items.push(`<li>and ${warned.length - 10} more (in the result)</li>`)
  return `<ul>${items.join('')}</ul>`
}

/** Managed signing in the target: the signature each profile made, or that the run did not wait. */
function signingLine(report: PromotionReport): string {
  const { profiles, statuses } = report.signing!
  if (!statuses)
    return `<p>ECR signs what is pushed into ${code(targetName(report))} (${profiles.map(code).join(', ')}); the run did not wait for a signature.</p>`
  const marks: Record<string, string> = { COMPLETE: '✅', FAILED: '❌', IN_PROGRESS: '⏳' }
  const items = statuses.map(
    (status) =>
      `${marks[status.status] ?? '❔'} Signature ${escape(status.status)}${status.profileArn ? ` (${code(status.profileArn)})` : ''}${status.failureCode ? `: ${escape(status.failureCode)}${status.failureReason ? `, ${escape(status.failureReason)}` : ''}` : ''}`
  )
  return `<p>${items.join('<br>') || 'No signature was reported.'}</p>`
}

function gateLines(report: PromotionReport): string {
  return `<ul>${(report.gates ?? [])
    .map(
      (verdict) =>
        `<li>${verdict.passed ? '✅' : '⛔'} ${GATE_NAMES[verdict.gate]} ${verdict.passed ? 'passed' : 'refused the image (why: in the problems)'}: ${escape(verdict.summary)}</li>`
    )
    .join('')}</ul>`
}

function tagTable(summary: Summary, report: PromotionReport): void {
  summary.addTable([
    [
      { data: 'Tag', header: true },
      { data: 'Status', header: true },
      { data: 'Before', header: true },
      { data: 'After', header: true }
    ],
    ...report.tags.map((tag) => [
      code(tag.tag),
      `${TAG_MARKS[tag.status]} ${tag.status}`,
      shortDigest(tag.previousDigest),
      shortDigest(digestAfter(tag, report.digest))
    ])
  ])
}

/**
 * REGISTRY/REPOSITORY@DIGEST as code that breaks, where it must, before the digest: never inside
 * the registry's host name. Copied whole, it is the reference as it was.
 */
function reference(image: string): string {
  const at = image.lastIndexOf('@')
  return at < 0 ? code(image) : `${code(image.slice(0, at))}<wbr>${code(image.slice(at))}`
}

/** Where a tag was before the run, as far as the run read it. */
function before(tag: TagReport): string {
  if (tag.previousDigest === undefined) return 'not read'
  return `before ${tag.previousDigest ? code(tag.previousDigest) : 'absent'}`
}

/** The full values, folded away: digests as a deploy would use them, and every message. */
function details(report: PromotionReport): string {
  const lines = [
    ...(report.image ? [`Image: ${reference(report.image)}`] : []),
    ...(report.digest
      ? [`Digest: ${code(report.digest)} (${escape(report.mediaType ?? '')})`]
      : []),
    ...report.tags.map(
      (tag) =>
        `${code(tag.tag)}: ${tag.status}, ${before(tag)}${tag.message ? `. ${escape(tag.message)}` : ''}`
    )
  ]
  return `<ul>${lines.map((line) => `<li>${line}</li>`).join('')}</ul>`
}

function fromTo(report: PromotionReport): string {
  const target = report.image?.slice(0, report.image.lastIndexOf('@')) ?? targetName(report)
  return report.source
    ? `from ${code(sourceName(report))} to ${code(target)}`
    : `in ${code(target)}`
}

const sourceName = (report: PromotionReport): string => describeRepository(report.source!)

const targetName = (report: PromotionReport): string => describeRepository(report.target)

function footer(summary: Summary, provenance: Provenance | undefined): void {
  if (!provenance?.runUrl) return
  const commit = provenance.sha ? ` · commit ${code(provenance.sha.slice(0, 7))}` : ''
  const actor = provenance.actor ? ` · by ${escape(provenance.actor)}` : ''
  summary
    .addRaw('<sub>')
    .addLink(
      `${escape(provenance.workflow ?? 'workflow')} run ${provenance.runId}${provenance.runAttempt && provenance.runAttempt > 1 ? ` (attempt ${provenance.runAttempt})` : ''}`,
      provenance.runUrl
    )
    .addRaw(`${commit}${actor}</sub>`, true)
}

/** Every problem in plain sight, before the next step: what the annotations say, once each. */
function problemList(summary: Summary, reports: PromotionReport[], status: RunStatus): void {
  const problems = problemsOf(reports)
  if (problems.length === 0) return
  // Each problem carries the run's own mark: a refusal's, or a failure's.
  const mark = status === 'refused' ? MARKS.refused : MARKS.failed
  summary.addRaw(
    `<ul>${problems.map((problem) => `<li>${mark} <strong>${escape(problem.title)}</strong>: ${problemText(problem)}</li>`).join('')}</ul>`,
    true
  )
}

/** Findings listed under their refusal, at most this many; the result and record hold ten. */
const FINDINGS_SHOWN = 5

/** A problem's message; a gate's deciding findings as a list of their own, one per line. */
function problemText(problem: Annotation): string {
  if (!problem.findings?.length) return escape(problem.message)
  const [said] = problem.message.split(WORST_FIRST)
  const rest = problem.findings.length - FINDINGS_SHOWN + (problem.moreFindings ?? 0)
  const items = problem.findings.slice(0, FINDINGS_SHOWN).map((finding) => {
    const id = finding.url
      ? `<a href="${escape(finding.url)}">${code(finding.id)}</a>`
      : code(finding.id)
    const where = [finding.package, finding.version].filter(Boolean).join(' ')
    const fix = finding.fixedIn ? `, fixed in ${escape(finding.fixedIn)}` : ', no fix yet'
    return `<li>${id} ${escape(where)} (${escape(finding.severity)}${fix})</li>`
  })
  if (rest > 0) items.push(`<li>and ${rest} more (in the result)</li>`)
  return `${escape(said!)}<ul>${items.join('')}</ul>`
}

function nextStepLine(
  summary: Summary,
  report: PromotionReport | ReleaseReport,
  reason?: string
): void {
  const images = 'images' in report ? report.images : [report]
  const step = nextStep(report.status, images, reason, report.rollbackOf !== undefined)
  if (step) summary.addRaw(`<p><strong>Next step:</strong> ${escape(step)}</p>`, true)
}

/** The summary of a run that promoted, or tried to promote, one image. */
export function renderImageSummary(
  summary: Summary,
  report: PromotionReport,
  cancelReason?: string,
  view: SummaryView = {}
): Summary {
  summary.addHeading(`${MARKS[report.status]} ${headline(report, view)}`, 3)
  const digest = report.digest ? `${shortDigest(report.digest)} · ` : ''
  summary.addRaw(`<p>${digest}${fromTo(report)}</p>`, true)
  if (report.newRepository) summary.addRaw(`<p>${newRepositoryLine(report)}</p>`, true)
  if (report.copy) summary.addRaw(`<p>${copyLine(report.copy, report)}</p>`, true)
  if (report.gates?.length) summary.addRaw(gateLines(report), true)
  if (report.signing) summary.addRaw(signingLine(report), true)
  problemList(summary, [report], report.status)
  if (lifecycleLines([report])) summary.addRaw(lifecycleLines([report]), true)
  nextStepLine(summary, report, cancelReason)
  const detail = view.detail ?? 'full'
  if (detail !== 'attention') tagTable(summary, report)
  if (detail === 'full') summary.addDetails('Full digests and messages', details(report))
  else leftOut(summary, detail === 'rows' ? 'the full digests and messages' : 'the tags', view)
  footer(summary, report.provenance)
  return summary
}

function releaseHeadline(report: ReleaseReport, view: SummaryView): string {
  const images = `${report.totals.images} image${report.totals.images === 1 ? '' : 's'}`
  if (report.rollbackOf)
    return rollbackHeadline(
      report.status,
      report.images.flatMap((image) => image.tags),
      `a release of ${images}`,
      view
    )
  const promoted = report.images.filter(
    (image) => image.status === 'promoted' || image.status === 'unchanged'
  ).length
  switch (report.status) {
    case 'promoted':
      return `Promoted a release of ${images}`
    case 'unchanged':
      return `Nothing to change: all ${images} of the release already carry their tags`
    case 'dry-run':
      return `Dry run: the release of ${images} would be promoted; nothing was written`
    case 'refused':
      return `Refused: nothing was written for the release of ${images}`
    case 'failed':
      if (report.images.some((image) => image.tags.some(rollbackTried)))
        return `Failed and rolled back: ${promoted} of ${images} left fully promoted`
      return report.changed
        ? `Failed: ${promoted} of ${images} fully promoted`
        : `Failed: nothing was written for the release of ${images}`
    case 'cancelled':
      if (report.images.some((image) => image.tags.some(rollbackTried)))
        return `${stoppedWord(view)} and rolled back: ${promoted} of ${images} left fully promoted`
      return `${stoppedWord(view)}: ${promoted} of ${images} fully promoted before the run stopped`
    case 'rolled-back':
      return `Rolled back a release of ${images}`
    case 'input-error':
      return 'Input error'
  }
}

/**
 * An image as a heading or table names it: without a private registry's host, which the details
 * give in full, and with a digest shortened as in the tables, so that it fits GitHub's pane.
 */
function shortName(name: string): string {
  return name
    .replace(/^[0-9]{12}\.dkr[.-]ecr(?:-fips)?\.[a-z0-9-]+\.[a-z.]+\//, '')
    .replace(/@(sha256:[0-9a-f]{12})[0-9a-f]{52}$/, '@$1…')
}

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`

/** A target in a line's words: its name, and its account and region or ECR Public. */
function shortTarget({ target }: PromotionReport): string {
  if (target.publicAlias !== undefined)
    return `${code(`${target.publicAlias}/${target.name}`)} (ECR Public)`
  return `${code(target.name)} (${target.registryId ?? 'account not read'} · ${escape(target.region)})`
}

/** Whether the image's tags go into its own repository: a retag in place, no copy. */
const inPlace = ({ source, target }: PromotionReport): boolean =>
  source === undefined || isSameRepository(source, target)

/** Where a target is, in a short form: the account and region, or ECR Public, each on its line. */
function targetCell(image: PromotionReport): string {
  const { target } = image
  const where =
    target.publicAlias !== undefined
      ? '<sub>ECR Public</sub>'
      : `<sub>${target.registryId ?? 'account not read'}</sub><br><sub>${escape(target.region)}</sub>`
  if (inPlace(image)) return `in place<br>${where}`
  const name =
    target.publicAlias !== undefined ? `${target.publicAlias}/${target.name}` : target.name
  return `${code(name)}<br>${where}`
}

/**
 * An image's status as the release's table shows it: the word `result` says, and a mark that tells
 * the images that stopped the run (⛔ or ❌) from those only held back with it (⏭️), so the reader
 * sees at a glance which image to fix.
 */
function releaseImageStatus(image: PromotionReport): { mark: string; label: string } {
  return { mark: heldBack(image) ? TAG_MARKS.skipped : MARKS[image.status], label: image.status }
}

/**
 * How much a summary says, for GitHub's limit on its size: `full`, then without each image's folded
 * details (`rows`), then only the images that stopped the run (`attention`). Problems are always in
 * full; what is left out is in the files the `fullDetail` line names.
 */
export type SummaryDetail = 'full' | 'rows' | 'attention'
export const SUMMARY_DETAILS: readonly SummaryDetail[] = ['full', 'rows', 'attention']

export interface SummaryView {
  detail?: SummaryDetail
  /** The file with the full `result` (the `result-file` output), named when detail is left out. */
  resultFile?: string
  /** The run stopped on its timeout rather than a signal. */
  timedOut?: boolean
}

/** GitHub refuses a step summary over 1 MiB; this leaves room for what the toolkit adds. */
export const SUMMARY_BUDGET = 1024 * 1024 - 16 * 1024

/** Renders a summary with as much detail as fits GitHub's limit on its size; says which. */
export function fitSummary(summary: Summary, render: (view: SummaryView) => void): SummaryDetail {
  for (const detail of SUMMARY_DETAILS) {
    summary.emptyBuffer()
    render({ detail })
    if (Buffer.byteLength(summary.stringify()) <= SUMMARY_BUDGET) return detail
  }
  return SUMMARY_DETAILS.at(-1)!
}

function releaseRow(image: PromotionReport): string[] {
  const { mark, label } = releaseImageStatus(image)
  return [
    `${code(shortName(image.name))}<br><sub>${shortDigest(image.digest)}</sub>`,
    targetCell(image),
    image.tags.map((tag) => `${TAG_MARKS[tag.status]} ${code(tag.tag)}`).join(' '),
    `${mark} ${label}`
  ]
}

/** What a shortened summary left out, and where it is. */
function leftOut(summary: Summary, what: string, view: SummaryView): void {
  const where = view.resultFile
    ? `the ${code('result-file')} output (${code(view.resultFile)}) and the promotion record`
    : 'the promotion record'
  summary.addRaw(
    `<p><em>Shortened to fit GitHub's 1 MiB limit for a job summary: ${what} are in ${where}.</em></p>`,
    true
  )
}

/** The summary of a release: a row per image, the totals, and each image's tags folded away. */
export function renderReleaseSummary(
  summary: Summary,
  report: ReleaseReport,
  cancelReason?: string,
  view: SummaryView = {}
): Summary {
  const detail = view.detail ?? 'full'
  summary.addHeading(`${MARKS[report.status]} ${releaseHeadline(report, view)}`, 3)
  const statuses = Object.entries(report.totals.statuses).map(
    ([status, count]) => `${count} ${status}`
  )
  const copied =
    report.totals.blobsCopied > 0
      ? `; ${report.totals.blobsCopied} blob(s) copied (${formatBytes(report.totals.bytesCopied)})`
      : ''
  summary.addRaw(`<p>${report.totals.tags} tag(s): ${statuses.join(', ')}${copied}.</p>`, true)
  const rows = detail === 'attention' ? report.images.filter(needsAttention) : report.images
  if (detail !== 'full')
    leftOut(
      summary,
      detail === 'rows'
        ? "each image's digests, messages and gate verdicts"
        : `the ${report.images.length - rows.length} other image(s), and each image's details`,
      view
    )
  problemList(summary, report.images, report.status)
  if (lifecycleLines(report.images)) summary.addRaw(lifecycleLines(report.images), true)
  nextStepLine(summary, report, cancelReason)
  if (rows.length > 0)
    summary.addTable([
      ['Image', 'Target', 'Tags', 'Status'].map((data) => ({ data, header: true })),
      ...rows.map(releaseRow)
    ])
  if (detail === 'full')
    for (const image of report.images)
      summary.addDetails(
        `${releaseImageStatus(image).mark} ${escape(shortName(image.name))} → ${shortTarget(image)}`,
        `<p>${capitalized(fromTo(image))}</p>${image.gates?.length ? gateLines(image) : ''}${image.signing ? signingLine(image) : ''}${details(image)}`
      )
  footer(summary, report.provenance)
  return summary
}

/** A run that stopped before it resolved anything: the error, and the inputs it was given. */
export function renderEarlyFailure(
  summary: Summary,
  report: EarlyFailureReport,
  inputs: Array<[string, string]>
): Summary {
  summary.addHeading(
    `${MARKS[report.status]} ${report.status === 'input-error' ? 'Input error: nothing was done' : 'Failed: the run stopped on an error it could not report tag by tag'}`,
    3
  )
  summary.addRaw(`<p>${escape(report.error)}</p>`, true)
  if (inputs.length > 0)
    summary.addDetails(
      'Inputs given (defaults left out)',
      `<ul>${inputs.map(([name, value]) => `<li>${code(name)}: ${code(value.length > 200 ? `${value.slice(0, 200)}…` : value)}</li>`).join('')}</ul>`
    )
  footer(summary, report.provenance)
  return summary
}
