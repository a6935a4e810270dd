// The record of a promotion as plain data: what the `result` output holds, and what every face
// reports from. Built from a PromotionResult by pure functions.
import { bytesToCopy, isComplete, manifestWrites, missingBlobs } from '../copy/index.js'
import { repositoryKey, repositoryUri, type RepositoryRef } from '../oci/index.js'
import { IN_PLACE_STATUSES, SUCCESS_STATUSES } from './outcomes.js'
import type { GateVerdict } from './gates/index.js'
import { CLAIM_TITLE, TAG_LIMIT_TITLE } from './plan.js'
import type { ImageProblem, ImageResult, PromotionResult, TagOutcome, TagStatus } from './types.js'

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

/**
 * How the run ended, at a glance: something `promoted`; nothing to change (`unchanged`); a `dry-run`
 * that would succeed; `refused` before any write; `failed` part way; `cancelled`; or an `input-error`.
 */
export type RunStatus =
  'promoted' | 'unchanged' | 'dry-run' | 'refused' | 'failed' | 'cancelled' | 'input-error'

/** A tag's outcome, as every report shows it. */
export type TagReport = TagOutcome

/** One image's record: the `result` output of a single-image run, and an entry of a release's. */
export interface PromotionReport {
  /** The source as the inputs named it. */
  name: string
  status: RunStatus
  /** Unset when the source could not be resolved. */
  digest?: string
  mediaType?: string
  /** Where the tags are: the target repository. */
  repository: string
  registryId?: string
  region: string
  /** For an ECR Public repository: the registry alias, as in public.ecr.aws/ALIAS/NAME. */
  publicAlias?: string
  /** REGISTRY/REPOSITORY@DIGEST in the target. */
  image?: string
  /** Where the image came from, when it was copied from another repository. */
  source?: { repository: string; registryId?: string; region: string; publicAlias?: string }
  /** Why the image could not be promoted at all (unresolved source, failed guard). */
  problem?: string
  dryRun: boolean
  changed: boolean
  tags: TagReport[]
  copy?: CopyReport
  /** What each gate said of the image, when the run asked any. */
  gates?: GateVerdict[]
  /** The plan's problems with this image, when they stopped the run before any write. */
  problems?: ImageProblem[]
  /** Where the run happened; on a single image's record and a release's, not on its entries. */
  provenance?: Provenance
  shortened?: Shortened
}

/** Where the run happened, for the record: the workflow run, or whoever ran the command line. */
export interface Provenance {
  repository?: string
  workflow?: string
  job?: string
  runId?: number
  runAttempt?: number
  runUrl?: string
  actor?: string
  event?: string
  ref?: string
  sha?: string
  serverUrl?: string
}

/** A run that stopped before it could resolve anything (an input error, a crash): what it says. */
export interface EarlyFailureReport {
  status: 'input-error' | 'failed'
  error: string
  /** The input at fault, for an input error. */
  input?: string
  dryRun: boolean
  changed: false
  provenance?: Provenance
}

export interface ReleaseTotals {
  images: number
  tags: number
  /** Tags by status: how many were created, moved, left unchanged, refused... */
  statuses: Partial<Record<TagStatus, number>>
  blobsCopied: number
  bytesCopied: number
}

/**
 * Set on a `result` that GitHub's limit on a job's outputs made shorter than the run's: what was
 * left out, and the file that holds the whole result.
 */
export interface Shortened {
  /** Images left out of `images` (promoted, unchanged, or held back with the run). */
  omittedImages?: number
  /** Tags left out of a single image's `tags`. */
  omittedTags?: number
  /** The whole result, as the `result-file` output names it. */
  file?: string
}

/** A release's `result`: one entry per source, and the totals. */
export interface ReleaseReport {
  status: RunStatus
  dryRun: boolean
  changed: boolean
  images: PromotionReport[]
  totals: ReleaseTotals
  provenance?: Provenance
  shortened?: Shortened
}

function buildCopyReport(copy: NonNullable<ImageResult['copy']>): CopyReport {
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

function where(repository: RepositoryRef) {
  return {
    repository: repository.name,
    ...(repository.registryId !== undefined && { registryId: repository.registryId }),
    region: repository.region,
    ...(repository.publicAlias !== undefined && { publicAlias: repository.publicAlias })
  }
}

const WRITTEN: ReadonlySet<TagStatus> = new Set(['created', 'moved'])

/**
 * Whether the target holds the image once the run is over: it is the source's own repository, it
 * had the image already, the copy finished, or a tag points at it.
 */
function inTarget(image: ImageResult): boolean {
  const copy = image.copy
  return (
    copy === undefined ||
    isComplete(copy.plan) ||
    copy.done === true ||
    image.tags.some((tag) => IN_PLACE_STATUSES.has(tag.status))
  )
}

/** How a set of tags ended, given how the run as a whole did. */
function statusOf(
  tags: TagReport[],
  result: PromotionResult,
  problem: 'refused' | 'failed' | undefined
): RunStatus {
  // A run stopped while resolving leaves its images unresolved: cancelled, not failed or refused.
  // A refused run never has cancelled tags, so this comes first.
  if (tags.some((tag) => tag.status === 'cancelled') || (result.cancelled && tags.length === 0))
    return 'cancelled'
  // problem: the image could not be resolved (not there, access, ECR not answering: failed; a
  // guard: refused), or a gate refused it.
  if (problem === 'failed') return 'failed'
  if (result.refused || problem === 'refused') return 'refused'
  if (tags.some((tag) => !SUCCESS_STATUSES.has(tag.status))) return 'failed'
  if (result.dryRun) return 'dry-run'
  return tags.some((tag) => WRITTEN.has(tag.status)) ? 'promoted' : 'unchanged'
}

export function buildImageReport(image: ImageResult, result: PromotionResult): PromotionReport {
  const target = image.target ?? image.request.target
  const copy = image.copy && buildCopyReport(image.copy)
  const tags = image.tags.map(({ tag, status, previousDigest, message, permanent }) => ({
    tag,
    status,
    ...(previousDigest !== undefined && { previousDigest }),
    ...(message !== undefined && { message }),
    ...(permanent && { permanent })
  }))
  const copied = copy !== undefined && (copy.blobsCopied > 0 || copy.manifestsWritten > 0)
  return {
    name: image.request.name,
    status: statusOf(
      tags,
      result,
      image.problem !== undefined
        ? image.problemRefused
          ? 'refused'
          : 'failed'
        : (image.gates ?? []).some((verdict) => !verdict.passed)
          ? 'refused'
          : undefined
    ),
    ...(image.source && { digest: image.source.digest, mediaType: image.source.mediaType }),
    ...where(target),
    ...(image.source &&
      image.target &&
      inTarget(image) && { image: `${repositoryUri(image.target)}@${image.source.digest}` }),
    ...((image.copy || result.release) && {
      source: where(image.source?.repository ?? image.request.source)
    }),
    ...(image.problem !== undefined && { problem: image.problem }),
    dryRun: result.dryRun,
    changed: tags.some((tag) => WRITTEN.has(tag.status)) || copied,
    tags,
    ...(copy && { copy }),
    ...(image.gates && { gates: image.gates }),
    ...(image.problems && { problems: image.problems })
  }
}

/** Where an image's tags are, whatever the spelling its entry used; its name when unresolved. */
function targetKeyOf(report: PromotionReport): string {
  if (report.registryId === undefined && report.publicAlias === undefined) return `?${report.name}`
  return repositoryKey({ ...report, name: report.repository, registryId: report.registryId ?? '' })
}

/**
 * A release's totals, each image and each tag of a repository counted once, however many entries
 * name them.
 */
function releaseTotals(images: PromotionReport[]): ReleaseTotals {
  const tags = new Map<string, TagReport>()
  const distinct = new Map<string, PromotionReport>()
  for (const image of images) {
    const where = targetKeyOf(image)
    distinct.set(
      image.digest !== undefined ? `${where}@${image.digest}` : `#${distinct.size}`,
      image
    )
    for (const tag of image.tags)
      if (!tags.has(`${where}:${tag.tag}`)) tags.set(`${where}:${tag.tag}`, tag)
  }
  const statuses: ReleaseTotals['statuses'] = {}
  for (const tag of tags.values()) statuses[tag.status] = (statuses[tag.status] ?? 0) + 1
  const copies = [...distinct.values()]
  return {
    images: distinct.size,
    tags: tags.size,
    statuses,
    blobsCopied: copies.reduce((total, image) => total + (image.copy?.blobsCopied ?? 0), 0),
    bytesCopied: copies.reduce((total, image) => total + (image.copy?.bytesCopied ?? 0), 0)
  }
}

export function buildReleaseReport(result: PromotionResult): ReleaseReport {
  const images = result.images.map((image) => buildImageReport(image, result))
  const tags = images.flatMap((image) => image.tags)
  return {
    status: statusOf(
      tags,
      result,
      images.some((image) => image.status === 'failed' && image.problem !== undefined)
        ? 'failed'
        : images.some((image) => image.status === 'refused')
          ? 'refused'
          : undefined
    ),
    dryRun: result.dryRun,
    changed: images.some((image) => image.changed),
    images,
    totals: releaseTotals(images)
  }
}

/**
 * An image refused or failed only because another image stopped the run: nothing of its own went
 * wrong, and its tags were left as they were.
 */
export function heldBack(image: PromotionReport): boolean {
  return (
    (image.status === 'refused' || image.status === 'failed') &&
    image.problem === undefined &&
    image.problems === undefined &&
    image.tags.every((tag) => tag.status === 'skipped' || IN_PLACE_STATUSES.has(tag.status)) &&
    image.copy?.error === undefined
  )
}

/** An image a reader must look at: it did not get where it was meant to, for a reason of its own. */
export function needsAttention(image: PromotionReport): boolean {
  const done = image.status === 'promoted' || image.status === 'unchanged'
  return !done && image.status !== 'dry-run' && !heldBack(image)
}

export function failedTags(report: PromotionReport): TagReport[] {
  return report.tags.filter((tag) => !SUCCESS_STATUSES.has(tag.status))
}

/** Where each tag that points at the promoted digest after the run lives: the `images` output. */
export function inPlaceReferences(report: PromotionReport): string[] {
  if (report.digest === undefined || report.registryId === undefined) return []
  const uri = repositoryUri({ ...report, name: report.repository, registryId: report.registryId })
  return report.tags
    .filter((tag) => IN_PLACE_STATUSES.has(tag.status))
    .map((tag) => `${uri}:${tag.tag}`)
}

/** Where a tag points once the run is over (in a dry run, where it would), as far as it knows. */
export function digestAfter(tag: TagReport, digest: string | undefined): string | null | undefined {
  return SUCCESS_STATUSES.has(tag.status) ? digest : tag.previousDigest
}

/** The images refused because more tags would pass ECR's limit of tags per image. */
const overTagLimit = (reports: PromotionReport[]): PromotionReport[] =>
  reports.filter((report) => report.problems?.some((p) => p.title === TAG_LIMIT_TITLE))

/** What to do next, in one line, when a run did not do all it was asked. */
export function nextStep(
  status: RunStatus,
  reports: PromotionReport[],
  cancelReason?: string
): string {
  const tags = reports.flatMap((report) => report.tags)
  switch (status) {
    case 'refused': {
      const kinds = new Set(tags.map((tag) => tag.status))
      const reasons = [
        ...(reports.some((report) => report.problem)
          ? ['promote the image the guard expects, or change the guard']
          : []),
        ...(reports.some((report) => report.gates?.some((verdict) => !verdict.passed))
          ? ['make the image pass its gates (a fixed build, its scan, its signature)']
          : []),
        ...(kinds.has('refused') ? ['leave protected tags out or move them by hand'] : []),
        ...(kinds.has('conflict') ? ['use tags that are free, or change the tag mutability'] : []),
        ...(overTagLimit(reports).length > 0
          ? ['remove tags the image no longer needs, or promote fewer']
          : []),
        ...(reports.some((report) => report.problems?.some((p) => p.title === CLAIM_TITLE))
          ? ['give each image its own tags']
          : [])
      ]
      return `Nothing was written. To go ahead, ${reasons.join('; ') || 'fix the problems above'}, then run again.`
    }
    case 'cancelled':
      return `The run stopped before it finished: ${cancelReason ?? 'it was cancelled'}. A rerun finishes what is left, and tags already done stay done.`
    case 'failed': {
      if (reports.some((report) => report.problem !== undefined) && !reports.some((r) => r.changed))
        return tags.some((tag) => tag.permanent)
          ? 'Nothing was written. Fix what the error names (the source or target as given, or access to them), then run again.'
          : 'Nothing was written; run again once ECR answers (the error above says what it did not answer).'
      const permanent = tags.some((tag) => tag.permanent)
      // Only a run that wrote a tag has tags "already done".
      if (!tags.some((tag) => WRITTEN.has(tag.status)))
        return permanent
          ? 'No tag was written; what failed needs a change (permissions, tags, limits) before a rerun can promote.'
          : 'No tag was written. A rerun finishes what was started and writes the tags.'
      return permanent
        ? 'Tags already done stay done; what failed needs a change (permissions, tags, limits) before a rerun can finish it.'
        : 'A rerun finishes: tags already done are left as they are.'
    }
    default:
      return ''
  }
}

/** The run's outcome in one line, or undefined when it did everything it was asked. */
export function outcomeLine(reports: PromotionReport[], status: RunStatus): string | undefined {
  if (status === 'promoted' || status === 'unchanged' || status === 'dry-run') return undefined
  const tags = reports.flatMap((report) => report.tags)
  const failed = tags.filter((tag) => !SUCCESS_STATUSES.has(tag.status))
  const done = tags.filter((tag) => IN_PLACE_STATUSES.has(tag.status)).map((tag) => tag.tag)
  const list = failed.map((tag) => `${tag.tag} (${tag.status})`).join(', ')
  if (status === 'refused') {
    const guarded = reports.filter((report) => report.problem).map((report) => report.name)
    const gated = reports.filter((report) => report.gates?.some((verdict) => !verdict.passed))
    const blocked = failed.filter((tag) => tag.status === 'refused' || tag.status === 'conflict')
    const parts = [
      ...(guarded.length > 0 ? [`${guarded.join(', ')} refused by a guard`] : []),
      ...(gated.length > 0
        ? [`${gated.map((report) => report.name).join(', ')} refused by a gate`]
        : []),
      ...(blocked.length > 0
        ? [`${blocked.map((tag) => `${tag.tag} (${tag.status})`).join(', ')}`]
        : []),
      ...(overTagLimit(reports).length > 0
        ? [
            `${overTagLimit(reports)
              .map((report) => report.name)
              .join(', ')} over ECR's tag limit`
          ]
        : [])
    ]
    return `Refused before any write: ${parts.join('; ')}.`
  }
  return `${failed.length} of ${tags.length} tag(s) not promoted: ${list}.${done.length > 0 ? ` Done: ${done.join(', ')}.` : ''}`
}

/**
 * The release grouped by target account and region, for `strategy.matrix` when one job's quota is
 * not enough: each group's `sources` is a release document pinning every image to the digest this
 * run resolved, with its full target and tags, so each job promotes exactly what was planned.
 */
export function releaseMatrix(report: ReleaseReport): string {
  // A plan refused is no plan to fan out.
  if (report.status === 'refused') return ''
  const groups = new Map<string, { target: string; images: number; entries: unknown[] }>()
  for (const image of report.images) {
    // Only a release whose every image resolved can be fanned out: each entry pins its digest.
    if (image.digest === undefined) return ''
    if (image.publicAlias === undefined && image.registryId === undefined) return ''
    const target =
      image.publicAlias !== undefined ? 'public' : `${image.registryId}/${image.region}`
    const group = groups.get(target) ?? { target, images: 0, entries: [] }
    group.images++
    group.entries.push({
      repository: sourceUri(image),
      digest: image.digest,
      'target-repository': repositoryUri({
        ...image,
        name: image.repository,
        // A public target is named by its alias alone.
        registryId: image.registryId ?? ''
      }),
      tags: image.tags.map((tag) => tag.tag)
    })
    groups.set(target, group)
  }
  return JSON.stringify({
    include: [...groups.values()].map((group) => ({
      target: group.target,
      images: group.images,
      sources: JSON.stringify(group.entries)
    }))
  })
}

function sourceUri(image: PromotionReport): string {
  const source = image.source!
  return repositoryUri({ ...source, name: source.repository, registryId: source.registryId ?? '' })
}
