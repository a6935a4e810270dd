// What the pipeline takes and gives, as plain data: the request, one record per image that the
// stages fill in order (ImageRecord), and the run's record (PromotionResult).
import type { CopyPlan, CopyStats } from '../copy/index.js'
import type { ManifestNode, RepositoryRef, SettledRepository } from '../oci/index.js'
import type {
  RepositorySettings,
  SigningStatus,
  TagDigests,
  TagMutability
} from '../registry/index.js'
import type { GateRequest, GateVerdict } from './gates/index.js'
import type { LifecycleCheck, LifecycleWarning } from './lifecycle.js'

/** Every status a tag can end in, as `result`, the summary and the command line say it. */
export const TAG_STATUSES = [
  'created',
  'moved',
  'unchanged',
  'would-create',
  'would-move',
  'refused',
  'conflict',
  'failed',
  'skipped',
  'cancelled',
  'rolled-back',
  'would-roll-back'
] as const
export type TagStatus = (typeof TAG_STATUSES)[number]

export interface TagOutcome {
  tag: string
  status: TagStatus
  /** Where the tag pointed when the run read it: null when it did not exist; unset when the run
   * never read it (its image could not be resolved, the run stopped first). */
  previousDigest?: string | null
  /** Why the tag is not where it was meant to be. */
  message?: string
  /** Where the tag was read to point at the end, when that is neither the promoted digest nor
   * where it pointed before (someone else moved it during the run). */
  digestAfter?: string | null
  /** A tag this run wrote whose rollback did not put it back: someone else had moved it since, the
   * undo failed, where it pointed could not be read, or the process ended before the undo settled. */
  rollback?: 'moved-since' | 'failed' | 'unread' | 'unfinished'
  /** Not where it should be, and a rerun alone will not put it there (a conflict, a limit,
   * access): false. The one field, here and on a Problem, that says whether a rerun can fix it. */
  retryable?: false
}

export interface SourceImage extends ManifestNode {
  /** The repository, with the registry id the registry answered for. */
  repository: SettledRepository
}

/** One image to promote: where it is, which one, and where its tags go. */
export interface ImageRequest {
  /** The image as the inputs name it (`app:staging`, `app@sha256:…`), for messages and reports. */
  name: string
  source: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  /** The source must resolve to exactly this digest, or nothing is written for any image. */
  expectedDigest?: string
  /** Where the new tags go; the source repository unless the inputs say otherwise. */
  target: RepositoryRef
  /** New tags, deduplicated, in the order given. */
  tags: string[]
}

/** What to promote, where, and under which guards: the inputs, validated. */
export interface PromotionRequest {
  images: ImageRequest[]
  /** Given as a list of sources: the result is a release, reported image by image. */
  release: boolean
  protectTags: string[]
  dryRun: boolean
  /** Also copy the images' referrers (signatures, SBOMs) when the target is another repository. */
  copyReferrers: boolean
  /** A target repository that does not exist is created, with the source's settings. */
  createRepository: boolean
  /** When the tag writes fail part way: keep what was written, or put it back (`rollback`). */
  onFailure: 'keep' | 'rollback'
  /** Restore an archived source (or child manifest) and wait for it, rather than refuse it. */
  restoreArchived: boolean
  /** How long to wait for managed signing's signature of each promoted image; 0: not asked. */
  signingWaitMs: number
  /** Whether a target's lifecycle policy that would expire or archive a promoted image within the
   * horizon warns, refuses the run, or is not read. */
  lifecycle: LifecycleCheck
  /** Gates every image must pass before anything is written. */
  gates?: GateRequest
  /** Set when the run undoes an earlier one from its record instead of promoting. */
  rollback?: RollbackRequest
}

/** The run an undo is of, as its record names it. */
export interface RollbackOf {
  promotedAt: string
  runUrl?: string
}

/**
 * Undoing an earlier run from its promotion record: for each of its images, the digest it wrote
 * and where each tag it wrote (created or moved) pointed before it. `images` of the request holds
 * each image's request, its tags those written tags, in the same order.
 */
export interface RollbackRequest {
  of: RollbackOf
  images: Array<{
    request: ImageRequest
    target: SettledRepository
    /** The digest that run put the tags on. */
    digest: string
    /** Each written tag's digest before that run; null: the tag did not exist. */
    previous: Map<string, string | null>
  }>
}

/**
 * What a tag needs: nothing (`keep`), a new tag, a moved tag; or it cannot be had: protect-tags
 * refuses to move it (`refuse`), or ECR's tag immutability would (`conflict`).
 */
export type TagAction = 'create' | 'move' | 'keep' | 'refuse' | 'conflict'

export interface TagPlan {
  tag: string
  action: TagAction
  /** Where the tag pointed when it was read, or null when it did not exist. */
  previousDigest: string | null
  /** The protect-tags pattern that refused the move. */
  protectedBy?: string
  /** Why ECR would refuse the move: the repository's mutability and the filter that decides. */
  lockedBy?: string
}

/**
 * A copy into another repository: what the survey found the target lacks, then what the copy
 * moved, counted as it went, so that what a stop or a failure leaves there is reported.
 */
export interface CopyRecord {
  plan: CopyPlan
  /** What reached the target; unset when nothing needed copying or the copy never started. */
  stats?: CopyStats
  /** The copy finished: the target holds the image. */
  done?: true
  error?: string
  /** The copy's failure will not pass on a rerun as it is (access, a limit). */
  retryable?: false
  /** This run created the target repository, as the copy's first write. */
  repositoryCreated?: boolean
}

/**
 * One image of the run: the one record of what happened to it, filled by the stages in order and
 * rendered by every report. A stage that cannot get past the image leaves only its request and
 * the `problem`; the stages after it pass it by.
 */
export interface ImageRecord {
  request: ImageRequest
  /** Why the image could not be resolved or got no further, before any write: refused by a guard
   * (expected-digest, an archived source), or `failed` (not there, access, ECR not answering). */
  problem?: Problem

  // Resolve: the source read and verified, the target's tags and settings.
  /** The source as read and verified. */
  source?: SourceImage
  /** The target repository, with its registry id settled. */
  target?: SettledRepository
  /** Each requested tag's current digest in the target, or null when the tag does not exist. */
  currentTags?: TagDigests
  /** Unset when it could not be read: immutable tags are then found only when written. */
  mutability?: TagMutability
  /** The tags the image already carries in the target, when read (by resolve or the survey). */
  tagCount?: number
  /** The target repository does not exist and is created before any copy, with these settings. */
  createTarget?: RepositorySettings

  // Gates
  /** What each gate the run asked said of the image. */
  gates?: GateVerdict[]

  // Copy survey, then the copy
  /** For an image going to another repository: what the target lacks, and what was copied. */
  copy?: CopyRecord
  /** A rule of the target's lifecycle policy that would expire or archive it within the horizon. */
  lifecycle?: LifecycleWarning
  /** The Signer profiles ECR signs a push into the target with (its registry's configuration). */
  signingProfiles?: string[]

  // Plan
  /** What each requested tag needs. */
  plan?: TagPlan[]
  /** The plan's problems with this image: any of them, for any image, stops the run before any
   * write. */
  problems?: Problem[]

  // Tags
  /** What became of each requested tag; set once the run is over. */
  tags?: TagOutcome[]
  /** The signature managed signing made of the image once the writes were done (when waited for). */
  signatures?: SigningStatus[]
}

/** A record that resolve filled: what every later stage works on. */
export type ResolvedImage = ImageRecord &
  Required<Pick<ImageRecord, 'source' | 'target' | 'currentTags'>>

/** A resolved record with its plan: what the copy and the tag writes carry out. */
export type PlannedImage = ResolvedImage & { plan: TagPlan[] }

/**
 * Something that stops the whole run before any write, said in words: what kind, which tag, why,
 * and how the run ends for it. The one problem type of every stage and report.
 */
export interface Problem {
  /** The annotation's title: what kind of problem this is. */
  title: string
  tag?: string
  message: string
  /** The run failed rather than was refused: a source or target that is not there, access, or
   * ECR not answering. Every other problem is a refusal by a guard or gate, as designed. */
  failed?: true
  /** A rerun alone will not get past it (a refusal, a source that is not there, access): false.
   * Unset: it may (ECR did not answer, the run was stopped). Made by problems.ts. */
  retryable?: false
}

/** The one record of a run: its images' records, and how the run as a whole went. */
export interface PromotionResult {
  images: ImageRecord[]
  release: boolean
  dryRun: boolean
  /** The run stopped early on a signal or its deadline. */
  cancelled: boolean
  /** Nothing was written because something was refused before any write (the plan's problems). */
  refused: boolean
  /** The run undid an earlier one, from its record. */
  rollbackOf?: RollbackOf
}
