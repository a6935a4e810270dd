// The plan: pure data, built by pure functions from what resolve read, so a dry run, the log, the
// report and the tests all read the same plan the real run carries out.
import type { CopyPlan } from '../copy/index.js'
import type { SettledRepository } from '../oci/index.js'
import type { SourceImage } from './resolve.js'

/** What a tag needs: nothing (`keep`), a new tag, a moved tag, or a refusal by protect-tags. */
export type TagAction = 'create' | 'move' | 'keep' | 'refuse'

export interface TagPlan {
  tag: string
  action: TagAction
  /** Where the tag pointed when it was read, or null when it did not exist. */
  previousDigest: string | null
  /** The protect-tags pattern that refused the move. */
  protectedBy?: string
}

export interface Plan {
  source: SourceImage
  /** Where the tags go: the source repository, or another one the image is copied into. */
  target: SettledRepository
  tags: TagPlan[]
  /** What to copy first, when the target is another repository. */
  copy?: CopyPlan
  dryRun: boolean
}

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
  protectTags: readonly string[]
): TagPlan[] {
  return tags.map((tag) => {
    const previousDigest = currentTags.get(tag) ?? null
    if (previousDigest === digest) return { tag, action: 'keep', previousDigest }
    if (previousDigest === null) return { tag, action: 'create', previousDigest }
    const protectedBy = protectTags.find((pattern) => matchesGlob(tag, pattern))
    return protectedBy !== undefined
      ? { tag, action: 'refuse', previousDigest, protectedBy }
      : { tag, action: 'move', previousDigest }
  })
}

/** The tags PutImage must write. */
export function writesOf(plan: Pick<Plan, 'tags'>): TagPlan[] {
  return plan.tags.filter((tag) => tag.action === 'create' || tag.action === 'move')
}

export function refusalsOf(plan: Pick<Plan, 'tags'>): TagPlan[] {
  return plan.tags.filter((tag) => tag.action === 'refuse')
}
