// The plan: pure data, built by pure functions from what resolve read, so a dry run, the log, the
// report and the tests all read the same plan the real run carries out. A plan with problems is
// refused whole: nothing is written for any image.
import { describeRepository, repositoryKey } from '../oci/index.js'
import type { TagMutability } from '../registry/index.js'
import { lockedBy } from './mutability.js'
import type { GateVerdict } from './gates/index.js'
import type { Problem, SurveyedImage, UnresolvedImage } from './types.js'

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

/** The image's record as the stages before the plan left it, with each of its tags' plan. */
export interface ImagePlan extends SurveyedImage {
  tags: TagPlan[]
}

/** A problem of the plan, and the image (as the inputs name it) it belongs to. */
export type PlanProblem = Problem & { image: string }

export interface Plan {
  /** In the request's order; an unresolved image carries its problem. */
  images: Array<ImagePlan | UnresolvedImage>
  /** Every reason not to write anything; empty when the run may go ahead. */
  problems: PlanProblem[]
  dryRun: boolean
}

/** ECR's limit on the tags one image may carry. */
export const TAG_LIMIT = 1000
/** The title of a refusal because the image would pass ECR's tag limit. */
export const TAG_LIMIT_TITLE = 'Tag limit'
/** The title of a refusal because two entries want one tag at different images. */
export const CLAIM_TITLE = 'Tag claimed twice'

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

/** The PutImage calls a plan needs: a tag that two entries give one image is written once. */
export function plannedWrites(images: ImagePlan[]): number {
  return new Set(images.flatMap((image) => writesOf(image).map((tag) => claimKey(image, tag.tag))))
    .size
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

function problemsOf(image: ImagePlan | UnresolvedImage): PlanProblem[] {
  const name = image.request.name
  if (!isResolved(image)) return [{ image: name, ...image.problem }]
  const gates = (image.gates ?? [])
    .filter((verdict) => !verdict.passed)
    .map((verdict) => ({
      image: name,
      title: GATE_TITLES[verdict.gate],
      message: verdict.reason ?? verdict.summary
    }))
  const tags = image.tags.flatMap((tag): PlanProblem[] => {
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

/** Where a tag lives, whatever the spelling of its repository: one tag can point at one image. */
export const claimKey = (image: ImagePlan, tag: string): string =>
  `${repositoryKey(image.target)}:${tag}`

/** One image in one repository, however many entries name it. */
export const imageKey = (image: ImagePlan): string =>
  `${repositoryKey(image.target)}@${image.source.digest}`

/** Two entries of the run that want one tag of one repository at different images. */
function claimProblems(images: ImagePlan[]): PlanProblem[] {
  const claims = new Map<string, { tag: string; claimants: ImagePlan[] }>()
  for (const image of images)
    for (const { tag } of image.tags) {
      const claim = claims.get(claimKey(image, tag)) ?? { tag, claimants: [] }
      if (!claim.claimants.includes(image)) claim.claimants.push(image)
      claims.set(claimKey(image, tag), claim)
    }
  return [...claims.values()].flatMap(({ tag, claimants }) => {
    if (new Set(claimants.map((image) => image.source.digest)).size < 2) return []
    const who = claimants
      .map((image) => `${image.request.name} (${image.source.digest})`)
      .join(' and ')
    return claimants.map((image) => ({
      image: image.request.name,
      tag,
      title: CLAIM_TITLE,
      message: `Tag "${tag}" in ${describeRepository(image.target)} is claimed by ${who}: a tag points at one image. Give each image its own tag.`
    }))
  })
}

/**
 * ECR's limit of tags per image, over every entry that tags the image in its target: the tags it
 * carries (when it is there already) and the new ones, each counted once.
 */
function tagLimitProblems(images: ImagePlan[]): PlanProblem[] {
  const groups = new Map<string, ImagePlan[]>()
  for (const image of images)
    groups.set(imageKey(image), [...(groups.get(imageKey(image)) ?? []), image])
  return [...groups.values()].flatMap((group) => {
    const adding = new Set(group.flatMap((image) => writesOf(image).map((tag) => tag.tag)))
    const carried = group.map((image) => image.tagCount).find((count) => count !== undefined) ?? 0
    if (carried + adding.size <= TAG_LIMIT) return []
    const first = group[0]!
    const entries =
      group.length > 1
        ? ` (over ${group.length} entries: ${group.map((image) => image.request.name).join(', ')})`
        : ''
    return group.map((image) => ({
      image: image.request.name,
      title: TAG_LIMIT_TITLE,
      message: `${first.source.digest} already carries ${carried} tags in ${describeRepository(first.target)}; ${adding.size} more${entries} would pass ECR's limit of ${TAG_LIMIT} tags per image, which no retry gets past. Remove tags it no longer needs, or promote fewer.`
    }))
  })
}

export interface PlanInput {
  images: Array<SurveyedImage | UnresolvedImage>
  protectTags: readonly string[]
  dryRun: boolean
  /** A lifecycle rule that would expire or archive a promoted image refuses the run. */
  lifecycleRefuses?: boolean
}

/** The title of a refusal because a lifecycle rule would expire or archive the promoted image. */
export const LIFECYCLE_TITLE = 'Lifecycle policy'

/** The plan for every image, and every problem that means nothing may be written. */
export function planPromotion(input: PlanInput): Plan {
  const images = input.images.map((image): ImagePlan | UnresolvedImage =>
    'source' in image
      ? {
          ...image,
          tags: planTags(
            image.source.digest,
            image.currentTags,
            image.request.tags,
            input.protectTags,
            image.mutability
          )
        }
      : image
  )
  const resolved = images.filter(isResolved)
  const problems = [
    ...images.flatMap(problemsOf),
    ...claimProblems(resolved),
    ...tagLimitProblems(resolved),
    ...(input.lifecycleRefuses
      ? resolved.flatMap((image) =>
          image.lifecycle
            ? [
                {
                  image: image.request.name,
                  title: LIFECYCLE_TITLE,
                  message: image.lifecycle.message
                }
              ]
            : []
        )
      : [])
  ]
  return { images, problems, dryRun: input.dryRun }
}
