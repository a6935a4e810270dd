// The reports: views of a run's records that every face renders, built from a PromotionResult by
// pure functions, and the `result` output's JSON (resultJson), v1's shape.
import {
  bytesToCopy,
  isComplete,
  manifestWrites,
  missingBlobs,
  type CopyStats
} from '../copy/index.js'
import { repositoryUri, type RepositoryRef } from '../oci/index.js'
import { IN_PLACE_STATUSES, SUCCESS_STATUSES, WRITTEN_STATUSES } from './outcomes.js'
import { claimKey, imageKey } from './plan.js'
import type { RepositorySettings, SigningStatus } from '../registry/index.js'
import type { GateVerdict } from './gates/index.js'
import type { LifecycleWarning } from './lifecycle.js'
import type {
  CopyRecord,
  ImageRecord,
  Problem,
  PromotionResult,
  RollbackOf,
  TagOutcome,
  TagStatus
} from './types.js'

/** A copy as every report shows it: what reached the target (the copy's own tallies), and what
 * the survey found it lacked. */
export interface CopyReport extends CopyStats {
  referrers: number
  /** In a dry run, or before a failed copy: what the target lacks. */
  blobsToCopy: number
  bytesToCopy: number
  manifestsToWrite: number
  error?: string
}

/**
 * How the run ended, at a glance: something `promoted`; nothing to change (`unchanged`); a `dry-run`
 * that would succeed; `refused` before any write; `failed` part way; `cancelled`; a rollback from a
 * record that put every tag back (`rolled-back`); or an `input-error`.
 */
export const RUN_STATUSES = [
  'promoted',
  'unchanged',
  'dry-run',
  'refused',
  'failed',
  'cancelled',
  'rolled-back',
  'input-error'
] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** A tag's outcome, as every report shows it. */
export type TagReport = TagOutcome

/**
 * One image's report, a view of its record that every face renders: the `result` output of a
 * single-image run (as resultJson writes it), and an entry of a release's.
 */
export interface PromotionReport {
  /** The source as the inputs named it. */
  name: string
  status: RunStatus
  /** Unset when the source could not be resolved. */
  digest?: string
  mediaType?: string
  /** Where the tags are: the target repository, its registry settled once it was resolved. */
  target: RepositoryRef
  /** REGISTRY/REPOSITORY@DIGEST in the target. */
  image?: string
  /** Where the image came from: when it was copied from another repository, and in a release. */
  source?: RepositoryRef
  /** Why the image could not be promoted at all (unresolved source, failed guard). */
  problem?: string
  dryRun: boolean
  changed: boolean
  tags: TagReport[]
  copy?: CopyReport
  /**
   * The target repository did not exist (`create-repository`): the settings it is created with, and
   * whether this run created it (not in a dry run, nor when the run stopped first or someone else
   * created it meanwhile).
   */
  newRepository?: { created: boolean; settings: RepositorySettings }
  /** What each gate said of the image, when the run asked any. */
  gates?: GateVerdict[]
  /** A rule of the target's lifecycle policy that would expire or archive it within the horizon. */
  lifecycle?: LifecycleWarning
  /** ECR's managed signing in the target: its profiles, and each signature's status after the
   * writes (unset when the run did not wait: nothing pushed, signing-wait 0, or stopped). */
  signing?: { profiles: string[]; statuses?: SigningStatus[] }
  /** The plan's problems with this image, when they stopped the run before any write. */
  problems?: Problem[]
  /** Where the run happened; on a single image's record and a release's, not on its entries. */
  provenance?: Provenance
  /** The run undid an earlier one, from its record (on a single image's record and a release's). */
  rollbackOf?: RollbackOf
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
  blobsMounted: number
  bytesMounted: number
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
  /** The run undid an earlier one, from its record. */
  rollbackOf?: RollbackOf
  shortened?: Shortened
}

function buildCopyReport(copy: CopyRecord): CopyReport {
  return {
    blobsCopied: copy.stats?.blobsCopied ?? 0,
    blobsSkipped:
      copy.stats?.blobsSkipped ?? copy.plan.blobs.length - missingBlobs(copy.plan).length,
    bytesCopied: copy.stats?.bytesCopied ?? 0,
    blobsMounted: copy.stats?.blobsMounted ?? 0,
    bytesMounted: copy.stats?.bytesMounted ?? 0,
    manifestsWritten: copy.stats?.manifestsWritten ?? 0,
    referrers: copy.plan.referrers,
    blobsToCopy: missingBlobs(copy.plan).length,
    bytesToCopy: bytesToCopy(copy.plan),
    manifestsToWrite: manifestWrites(copy.plan).length,
    ...(copy.error !== undefined && { error: copy.error })
  }
}

/** A repository as `result` and the record write it: its fields flat, its name as `repository`. */
export interface WrittenRepository {
  repository: string
  registryId?: string
  region: string
  /** For an ECR Public repository: the registry alias, as in public.ecr.aws/ALIAS/NAME. */
  publicAlias?: string
}

export function writtenRepository(repository: RepositoryRef): WrittenRepository {
  return {
    repository: repository.name,
    ...(repository.registryId !== undefined && { registryId: repository.registryId }),
    region: repository.region,
    ...(repository.publicAlias !== undefined && { publicAlias: repository.publicAlias })
  }
}

/** One image as the `result` output writes it: the target's fields at the top, the source's
 * under `source`. */
export type ImageResultJson = Omit<PromotionReport, 'target' | 'source'> &
  WrittenRepository & { source?: WrittenRepository }

/** A release as the `result` output writes it. */
export type ReleaseResultJson = Omit<ReleaseReport, 'images'> & { images: ImageResultJson[] }

function imageJson({
  name,
  status,
  digest,
  mediaType,
  target,
  image,
  source,
  ...rest
}: PromotionReport): ImageResultJson {
  return {
    name,
    status,
    ...(digest !== undefined && { digest }),
    ...(mediaType !== undefined && { mediaType }),
    ...writtenRepository(target),
    ...(image !== undefined && { image }),
    ...(source && { source: writtenRepository(source) }),
    ...rest
  }
}

/** A report as the `result` output, its file and the command line's --json write it. */
export function resultJson(report: PromotionReport): ImageResultJson
export function resultJson(report: ReleaseReport): ReleaseResultJson
export function resultJson(
  report: PromotionReport | ReleaseReport
): ImageResultJson | ReleaseResultJson
export function resultJson(
  report: PromotionReport | ReleaseReport
): ImageResultJson | ReleaseResultJson {
  return 'images' in report
    ? { ...report, images: report.images.map(imageJson) }
    : imageJson(report)
}

/** A rollback from a record did all it was asked when each tag is back, or would be, or was. */
const ROLLBACK_SUCCESS: ReadonlySet<TagStatus> = new Set([
  'rolled-back',
  'would-roll-back',
  'unchanged'
])

/** A tag this run put back: in a rollback from a record, a change it made. */
const rolledBackHere = (tag: TagReport): boolean => tag.status === 'rolled-back'

/**
 * Whether the target holds the image once the run is over: it is the source's own repository, it
 * had the image already, the copy finished, or a tag points at it.
 */
function inTarget(image: ImageRecord): boolean {
  const copy = image.copy
  return (
    copy === undefined ||
    isComplete(copy.plan) ||
    copy.done === true ||
    (image.tags ?? []).some((tag) => IN_PLACE_STATUSES.has(tag.status))
  )
}

/** How a rollback from a record ended for a set of tags: by their own outcomes alone. */
function rollbackStatusOf(tags: TagReport[], dryRun: boolean): RunStatus {
  const other = tags.filter((tag) => !ROLLBACK_SUCCESS.has(tag.status))
  if (other.some((tag) => tag.status !== 'refused')) return 'failed'
  if (other.length > 0) return 'refused'
  if (dryRun) return 'dry-run'
  return tags.some(rolledBackHere) ? 'rolled-back' : 'unchanged'
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
  if (result.rollbackOf) return rollbackStatusOf(tags, result.dryRun)
  if (result.refused || problem === 'refused') return 'refused'
  if (tags.some((tag) => !SUCCESS_STATUSES.has(tag.status))) return 'failed'
  if (result.dryRun) return 'dry-run'
  return tags.some((tag) => WRITTEN_STATUSES.has(tag.status)) ? 'promoted' : 'unchanged'
}

export function buildImageReport(image: ImageRecord, result: PromotionResult): PromotionReport {
  const target = image.target ?? image.request.target
  const copy = image.copy && buildCopyReport(image.copy)
  const tags = (image.tags ?? []).map(
    ({ tag, status, previousDigest, message, retryable, digestAfter, rollback }) => ({
      tag,
      status,
      ...(previousDigest !== undefined && { previousDigest }),
      ...(digestAfter !== undefined && { digestAfter }),
      ...(rollback !== undefined && { rollback }),
      ...(message !== undefined && { message }),
      ...(retryable === false && { retryable })
    })
  )
  const copied =
    copy !== undefined &&
    (copy.blobsCopied > 0 || copy.blobsMounted > 0 || copy.manifestsWritten > 0)
  const signing = image.signingProfiles && {
    profiles: image.signingProfiles,
    ...(image.signatures && { statuses: image.signatures })
  }
  return {
    name: image.request.name,
    status: statusOf(tags, result, troubleOf(image)),
    ...(image.source && { digest: image.source.digest, mediaType: image.source.mediaType }),
    target,
    ...(image.source &&
      image.target &&
      inTarget(image) && { image: `${repositoryUri(image.target)}@${image.source.digest}` }),
    ...((image.copy || result.release) && {
      source: image.source?.repository ?? image.request.source
    }),
    ...(image.problem !== undefined && { problem: image.problem.message }),
    dryRun: result.dryRun,
    changed:
      tags.some((tag) => WRITTEN_STATUSES.has(tag.status)) ||
      (result.rollbackOf !== undefined && tags.some(rolledBackHere)) ||
      copied ||
      image.copy?.repositoryCreated === true,
    tags,
    ...(copy && { copy }),
    ...(image.createTarget && {
      newRepository: {
        created: image.copy?.repositoryCreated === true,
        settings: image.createTarget
      }
    }),
    ...(image.gates && { gates: image.gates }),
    ...(image.lifecycle && { lifecycle: image.lifecycle }),
    ...(signing && { signing }),
    ...(image.problems && {
      problems: image.problems.map(({ title, tag, message }) => ({
        title,
        ...(tag !== undefined && { tag }),
        message
      }))
    })
  }
}

/**
 * What of its own stopped the image, whatever its tags: it could not be resolved (not there,
 * access, ECR not answering: failed; a guard: refused), a gate refused it, or managed signing
 * failed to sign it.
 */
function troubleOf(image: ImageRecord): 'refused' | 'failed' | undefined {
  if (image.problem !== undefined) return image.problem.failed ? 'failed' : 'refused'
  if ((image.gates ?? []).some((verdict) => !verdict.passed)) return 'refused'
  return failedToSign(image.signatures) ? 'failed' : undefined
}

const worst = (
  troubles: Array<'refused' | 'failed' | undefined>
): 'refused' | 'failed' | undefined =>
  troubles.includes('failed') ? 'failed' : troubles.includes('refused') ? 'refused' : undefined

/** ECR's managed signing failed to sign the promoted image: the run failed, whatever its tags. */
export function signingFailed(image: Pick<PromotionReport, 'signing'>): boolean {
  return failedToSign(image.signing?.statuses)
}

const failedToSign = (statuses: SigningStatus[] | undefined): boolean =>
  statuses?.some((status) => status.status === 'FAILED') === true

/** A copy figure over the images that copied. */
const sum = (images: PromotionReport[], figure: (copy: CopyReport) => number): number =>
  images.reduce((total, image) => total + (image.copy ? figure(image.copy) : 0), 0)

/**
 * A release's totals, each image and each tag of a repository counted once, however many entries
 * name them: by the records' settled repositories, whatever the spelling of each entry. An image
 * that was not resolved counts on its own, its tags under its name.
 */
function releaseTotals(records: ImageRecord[], images: PromotionReport[]): ReleaseTotals {
  const tags = new Map<string, TagReport>()
  const distinct = new Map<string, PromotionReport>()
  images.forEach((image, i) => {
    const record = records[i]!
    const resolved = record.source &&
      record.target && { source: record.source, target: record.target }
    distinct.set(resolved ? imageKey(resolved) : `#${i}`, image)
    for (const tag of image.tags) {
      const key = resolved ? claimKey(resolved, tag.tag) : `?${image.name}:${tag.tag}`
      if (!tags.has(key)) tags.set(key, tag)
    }
  })
  const statuses: ReleaseTotals['statuses'] = {}
  for (const tag of tags.values()) statuses[tag.status] = (statuses[tag.status] ?? 0) + 1
  const copies = [...distinct.values()]
  return {
    images: distinct.size,
    tags: tags.size,
    statuses,
    blobsCopied: sum(copies, (copy) => copy.blobsCopied),
    bytesCopied: sum(copies, (copy) => copy.bytesCopied),
    blobsMounted: sum(copies, (copy) => copy.blobsMounted),
    bytesMounted: sum(copies, (copy) => copy.bytesMounted)
  }
}

export function buildReleaseReport(result: PromotionResult): ReleaseReport {
  const images = result.images.map((image) => buildImageReport(image, result))
  const tags = images.flatMap((image) => image.tags)
  return {
    // The run's trouble from the records themselves: any image's failure, else any refusal.
    status: statusOf(tags, result, worst(result.images.map(troubleOf))),
    dryRun: result.dryRun,
    changed: images.some((image) => image.changed),
    images,
    totals: releaseTotals(result.images, images),
    ...(result.rollbackOf && { rollbackOf: result.rollbackOf })
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
  const { digest, target } = report
  if (digest === undefined || target.registryId === undefined) return []
  const uri = repositoryUri({ ...target, registryId: target.registryId })
  return report.tags
    .filter((tag) => IN_PLACE_STATUSES.has(tag.status) && tag.digestAfter === undefined)
    .map((tag) => `${uri}:${tag.tag}`)
}

/** Where a tag points once the run is over (in a dry run, where it would), as far as it knows. */
export function digestAfter(tag: TagReport, digest: string | undefined): string | null | undefined {
  if (tag.digestAfter !== undefined) return tag.digestAfter
  return SUCCESS_STATUSES.has(tag.status) ? digest : tag.previousDigest
}
