// The plan: pure data, built by pure functions from what resolve read, so a dry run, the log, the
// report and the tests all read the same plan the real run carries out. A plan with problems is
// refused whole: nothing is written for any image.
import { describeRepository, repositoryKey } from '../oci/index.js'
import type { TagMutability } from '../registry/index.js'
import { lockedBy } from './mutability.js'
import { refusal } from './problems.js'
import type { GateVerdict } from './gates/index.js'
import type { ImageRecord, PlannedImage, Problem, ResolvedImage, TagPlan } from './types.js'

export type { TagAction, TagPlan } from './types.js'

/** A problem of the plan, and the image (as the inputs name it) it belongs to. */
export type PlanProblem = Problem & { image: string }

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

/** The record got past every read stage: resolve, the gates and the copy survey. */
export const isResolved = (image: ImageRecord): image is ResolvedImage =>
  image.source !== undefined && image.problem === undefined

/** The record got as far as the plan. */
export const isPlanned = (image: ImageRecord): image is PlannedImage =>
  isResolved(image) && image.plan !== undefined

/** The tags PutImage must write. */
export function writesOf(image: Pick<PlannedImage, 'plan'>): TagPlan[] {
  return image.plan.filter((tag) => tag.action === 'create' || tag.action === 'move')
}

/** The PutImage calls a plan needs: a tag that two entries give one image is written once. */
export function plannedWrites(images: PlannedImage[]): number {
  return new Set(images.flatMap((image) => writesOf(image).map((tag) => claimKey(image, tag.tag))))
    .size
}

export function refusalMessage(tag: TagPlan): string {
  return `Tag "${tag.tag}" is protected by pattern "${tag.protectedBy}" and points at ${tag.previousDigest}; it must never move.`
}

export function conflictMessage(tag: TagPlan, image: ResolvedImage): string {
  return `Tag "${tag.tag}" points at ${tag.previousDigest}, not at ${image.source.digest}, and cannot move: ${tag.lockedBy}. Promote under a new tag, or change the repository's tag mutability.`
}

const GATE_TITLES: Record<GateVerdict['gate'], string> = {
  vulnerability: 'Vulnerability gate',
  'ecr-signature': 'Signature gate',
  'sigstore-signature': 'Signature gate'
}

/** A problem the plan found, and the image it is of. */
type Found = Problem & { owner: ImageRecord }

function problemsOf(image: ImageRecord): Found[] {
  if (!isPlanned(image)) return image.problem ? [{ owner: image, ...image.problem }] : []
  const gates = (image.gates ?? [])
    .filter((verdict) => !verdict.passed)
    .map((verdict) => ({
      owner: image,
      ...refusal(GATE_TITLES[verdict.gate], verdict.reason ?? verdict.summary)
    }))
  const tags = image.plan.flatMap((tag): Found[] => {
    if (tag.action === 'refuse')
      return [{ owner: image, ...refusal('Protected tag', refusalMessage(tag), tag.tag) }]
    if (tag.action === 'conflict')
      return [{ owner: image, ...refusal('Tag conflict', conflictMessage(tag, image), tag.tag) }]
    return []
  })
  return [...gates, ...tags]
}

/** Where a tag lives, whatever the spelling of its repository: one tag can point at one image. */
export const claimKey = (image: Pick<ResolvedImage, 'target'>, tag: string): string =>
  `${repositoryKey(image.target)}:${tag}`

/** One image in one repository, however many entries name it. */
export const imageKey = (image: Pick<ResolvedImage, 'target' | 'source'>): string =>
  `${repositoryKey(image.target)}@${image.source.digest}`

/** Two entries of the run that want one tag of one repository at different images. */
function claimProblems(images: PlannedImage[]): Found[] {
  const claims = new Map<string, { tag: string; claimants: PlannedImage[] }>()
  for (const image of images)
    for (const { tag } of image.plan) {
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
      owner: image,
      ...refusal(
        CLAIM_TITLE,
        `Tag "${tag}" in ${describeRepository(image.target)} is claimed by ${who}: a tag points at one image. Give each image its own tag.`,
        tag
      )
    }))
  })
}

/**
 * ECR's limit of tags per image, over every entry that tags the image in its target: the tags it
 * carries (when it is there already) and the new ones, each counted once.
 */
function tagLimitProblems(images: PlannedImage[]): Found[] {
  const groups = new Map<string, PlannedImage[]>()
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
      owner: image,
      ...refusal(
        TAG_LIMIT_TITLE,
        `${first.source.digest} already carries ${carried} tags in ${describeRepository(first.target)}; ${adding.size} more${entries} would pass ECR's limit of ${TAG_LIMIT} tags per image, which no retry gets past. Remove tags it no longer needs, or promote fewer.`
      )
    }))
  })
}

export interface PlanInput {
  /** The records as the read stages left them, in the request's order. */
  images: ImageRecord[]
  protectTags: readonly string[]
  /** A lifecycle rule that would expire or archive a promoted image refuses the run. */
  lifecycleRefuses?: boolean
}

/** The title of a refusal because a lifecycle rule would expire or archive the promoted image. */
export const LIFECYCLE_TITLE = 'Lifecycle policy'

function lifecycleProblems(images: PlannedImage[]): Found[] {
  return images.flatMap((image) =>
    image.lifecycle ? [{ owner: image, ...refusal(LIFECYCLE_TITLE, image.lifecycle.message) }] : []
  )
}

/**
 * The plan: each resolved record gets each tag's plan, and every record the problems that mean
 * nothing may be written (an unresolved one, its own).
 */
export function planPromotion(input: PlanInput): ImageRecord[] {
  const images = input.images.map((image): ImageRecord =>
    isResolved(image)
      ? {
          ...image,
          plan: planTags(
            image.source.digest,
            image.currentTags,
            image.request.tags,
            input.protectTags,
            image.mutability
          )
        }
      : image
  )
  const planned = images.filter(isPlanned)
  const found = [
    ...images.flatMap(problemsOf),
    ...claimProblems(planned),
    ...tagLimitProblems(planned),
    ...(input.lifecycleRefuses ? lifecycleProblems(planned) : [])
  ]
  return images.map((image) => {
    const problems = found
      .filter((problem) => problem.owner === image)
      .map(({ owner: _, ...problem }) => problem)
    return problems.length > 0 ? { ...image, problems } : image
  })
}

/**
 * Every problem of the plan, in the order of the records, each with the image it is of: any of
 * them stops the run before any write. Refusals unless one says the run failed.
 */
export function planProblems(images: ImageRecord[]): PlanProblem[] {
  return images.flatMap((image) =>
    (image.problems ?? []).map((problem) => ({ image: image.request.name, ...problem }))
  )
}
