// The plan: pure data, built by pure functions from what resolve read, so a dry run, the log, the
// report and the tests all read the same plan the real run carries out. A plan with problems is
// refused whole: nothing is written for any image.
import type { CopyPlan } from '../copy/index.js'
import type { SettledRepository } from '../oci/index.js'
import type { TagMutability } from '../registry/index.js'
import type { GateVerdict } from './gates/index.js'
import { lockedBy } from './mutability.js'
import type { ImageRequest, ResolvedImage, SourceImage, UnresolvedImage } from './types.js'

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

export interface ImagePlan {
  request: ImageRequest
  source: SourceImage
  /** Where the tags go: the source repository, or another one the image is copied into. */
  target: SettledRepository
  tags: TagPlan[]
  /** What to copy first, when the target is another repository. */
  copy?: CopyPlan
  /** What the gates said; one that did not pass is a problem. */
  gates?: GateVerdict[]
}

/** Something that stops the whole run before any write, said in words. */
export interface Problem {
  image: string
  tag?: string
  /** The annotation's title: what kind of problem this is. */
  title: string
  message: string
  /** ECR did not answer (throttling, 5xx, timeouts): the run failed rather than refused. */
  retryable?: boolean
}

export interface Plan {
  /** In the request's order; an unresolved image carries its problem. */
  images: Array<ImagePlan | UnresolvedImage>
  /** Every reason not to write anything; empty when the run may go ahead. */
  problems: Problem[]
  dryRun: boolean
}

/** ECR's limit on the tags one image may carry. */
export const TAG_LIMIT = 1000
/** The title of a refusal because the image would pass ECR's tag limit. */
export const TAG_LIMIT_TITLE = 'Tag limit'

/** `*` matches any run of characters and `?` any one; everything else is literal. */
export function matchesGlob(value: string, pattern: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${regex}$`).test(value)
}

export function planTags(
  digest: string,
  currentTags: ReadonlyMap<string, string | null>,
  tags: readonly string[],
  protectTags: readonly string[],
  mutability?: TagMutability
): TagPlan[] {
  return tags.map((tag) => {
    const previousDigest = currentTags.get(tag) ?? null
    if (previousDigest === digest) return { tag, action: 'keep', previousDigest }
    if (previousDigest === null) return { tag, action: 'create', previousDigest }
    const protectedBy = protectTags.find((pattern) => matchesGlob(tag, pattern))
    if (protectedBy !== undefined) return { tag, action: 'refuse', previousDigest, protectedBy }
    const locked = mutability && lockedBy(tag, mutability)
    return locked
      ? { tag, action: 'conflict', previousDigest, lockedBy: locked }
      : { tag, action: 'move', previousDigest }
  })
}

export const isResolved = (image: ImagePlan | UnresolvedImage): image is ImagePlan =>
  'source' in image

/** The tags PutImage must write. */
export function writesOf(image: Pick<ImagePlan, 'tags'>): TagPlan[] {
  return image.tags.filter((tag) => tag.action === 'create' || tag.action === 'move')
}

export function refusalMessage(tag: TagPlan): string {
  return `Tag "${tag.tag}" is protected by pattern "${tag.protectedBy}" and points at ${tag.previousDigest}; it must never move.`
}

export function conflictMessage(tag: TagPlan, image: ImagePlan): string {
  return `Tag "${tag.tag}" points at ${tag.previousDigest}, not at ${image.source.digest}, and cannot move: ${tag.lockedBy}. Promote under a new tag, or change the repository's tag mutability.`
}

const GATE_TITLES: Record<GateVerdict['gate'], string> = {
  vulnerability: 'Vulnerability gate',
  'ecr-signature': 'Signature gate',
  'sigstore-signature': 'Signature gate'
}

function problemsOf(image: ImagePlan | UnresolvedImage): Problem[] {
  const name = image.request.name
  if (!isResolved(image))
    return [
      {
        image: name,
        title: 'Not resolved',
        message: image.problem,
        ...(image.retryable && { retryable: true })
      }
    ]
  const gates = (image.gates ?? [])
    .filter((verdict) => !verdict.passed)
    .map((verdict) => ({
      image: name,
      title: GATE_TITLES[verdict.gate],
      message: verdict.reason ?? verdict.summary
    }))
  const tags = image.tags.flatMap((tag): Problem[] => {
    if (tag.action === 'refuse')
      return [{ image: name, tag: tag.tag, title: 'Protected tag', message: refusalMessage(tag) }]
    if (tag.action === 'conflict')
      return [
        { image: name, tag: tag.tag, title: 'Tag conflict', message: conflictMessage(tag, image) }
      ]
    return []
  })
  return [...gates, ...tags]
}

/** The tag limit, when the image's current tag count is known: more tags would fail at PutImage. */
function tagLimitProblem(image: ImagePlan, currentCount: number | undefined): Problem[] {
  const adding = image.tags.filter((tag) => tag.action === 'create' || tag.action === 'move').length
  if (currentCount === undefined || currentCount + adding <= TAG_LIMIT) return []
  return [
    {
      image: image.request.name,
      title: TAG_LIMIT_TITLE,
      message: `${image.request.name} already carries ${currentCount} tags in ${image.target.name}; ${adding} more would pass ECR's limit of ${TAG_LIMIT} tags per image, which no retry gets past. Remove tags it no longer needs, or promote fewer.`
    }
  ]
}

export interface PlanInput {
  images: Array<
    | (ResolvedImage & { copy?: CopyPlan; tagCount?: number; gates?: GateVerdict[] })
    | UnresolvedImage
  >
  protectTags: readonly string[]
  dryRun: boolean
}

/** The plan for every image, and every problem that means nothing may be written. */
export function planPromotion(input: PlanInput): Plan {
  const images = input.images.map((image): ImagePlan | UnresolvedImage => {
    if (!('source' in image)) return image
    return {
      request: image.request,
      source: image.source,
      target: image.target,
      tags: planTags(
        image.source.digest,
        image.currentTags,
        image.request.tags,
        input.protectTags,
        image.mutability
      ),
      ...(image.copy && { copy: image.copy }),
      ...(image.gates && { gates: image.gates })
    }
  })
  const problems = images.flatMap((image, i) => {
    const resolved = input.images[i]!
    return [
      ...problemsOf(image),
      ...(isResolved(image) && 'source' in resolved
        ? tagLimitProblem(image, resolved.tagCount)
        : [])
    ]
  })
  return { images, problems, dryRun: input.dryRun }
}
