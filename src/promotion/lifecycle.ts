// ECR lifecycle policies, evaluated as ECR documents it, against a repository as it will be once a
// promotion is done: which rule would expire (or archive) the promoted image, and when. Pure data:
// the reads are the survey's. The rules (ECR User Guide, "Lifecycle policy properties" and "How
// lifecycle policies work"): rules go by priority, lowest first; an image is acted on by one rule at
// most; an image that matches the tag selection of a higher-priority rule is never acted on by a
// lower one (though lower rules still count it); imageCountMoreThan keeps the newest images by push
// time; ages count from the image's push (or its last recorded pull), not from a later tag.

// A tagPatternList entry is the same `*` wildcard as tag mutability's exclusion filters.
import { matchesFilter } from './mutability.js'

export interface LifecycleRule {
  rulePriority: number
  description?: string
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any'
    tagPrefixList?: string[]
    tagPatternList?: string[]
    /** The storage class the rule selects from: standard (ACTIVE images) unless said. */
    storageClass?: 'standard' | 'archive'
    countType:
      'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned'
    countUnit?: 'days'
    countNumber: number
  }
  action: { type: 'expire' | 'transition'; targetStorageClass?: 'archive' }
}

/** An image of the repository, as DescribeImages reports it. */
export interface RepositoryImage {
  digest: string
  tags: string[]
  /** ms since the epoch. */
  pushedAt: number
  lastPulledAt?: number
  archived?: boolean
}

const DAY_MS = 24 * 60 * 60 * 1000

/** The policy's rules, by priority; a text that is no lifecycle policy throws. */
export function parsePolicy(text: string): LifecycleRule[] {
  const parsed = JSON.parse(text) as { rules?: unknown }
  if (!Array.isArray(parsed.rules)) throw new Error('the policy has no rules')
  return (parsed.rules as LifecycleRule[]).slice().sort((a, b) => a.rulePriority - b.rulePriority)
}

/** Whether an image meets a rule's tag selection (and storage class). */
export function selects(rule: LifecycleRule, image: RepositoryImage): boolean {
  const { selection } = rule
  if ((selection.storageClass === 'archive') !== (image.archived === true)) return false
  switch (selection.tagStatus) {
    case 'any':
      return true
    case 'untagged':
      return image.tags.length === 0
    case 'tagged':
      // Every prefix, and every pattern, must match one of the image's tags.
      return (
        image.tags.length > 0 &&
        (selection.tagPrefixList ?? []).every((prefix) =>
          image.tags.some((tag) => tag.startsWith(prefix))
        ) &&
        (selection.tagPatternList ?? []).every((pattern) =>
          image.tags.some((tag) => matchesFilter(tag, pattern))
        )
      )
  }
}

/** The images among those a rule selects that it would act on at `now`. */
function marked(rule: LifecycleRule, images: RepositoryImage[], now: number): RepositoryImage[] {
  const { countType, countNumber } = rule.selection
  if (countType === 'imageCountMoreThan')
    return images
      .slice()
      .sort((a, b) => b.pushedAt - a.pushedAt)
      .slice(countNumber)
  const limit = countNumber * DAY_MS
  if (countType === 'sinceImagePushed')
    return images.filter((image) => now - image.pushedAt > limit)
  if (countType === 'sinceImagePulled')
    return images.filter((image) => now - (image.lastPulledAt ?? image.pushedAt) > limit)
  // sinceImageTransitioned selects archived images only, which a promotion never leaves.
  return []
}

/** Which rule acts on each image at `now`, by digest: the one evaluation ECR makes. */
export function evaluate(
  rules: LifecycleRule[],
  images: RepositoryImage[],
  now: number
): Map<string, LifecycleRule> {
  const acted = new Map<string, LifecycleRule>()
  const claimed = new Set<string>()
  for (const rule of rules) {
    const selected = images.filter((image) => selects(rule, image))
    for (const image of marked(rule, selected, now))
      if (!acted.has(image.digest) && !claimed.has(image.digest)) acted.set(image.digest, rule)
    for (const image of selected) claimed.add(image.digest)
  }
  return acted
}

/** A rule that would act on the promoted image, and how soon. */
export interface LifecycleFinding {
  rulePriority: number
  description?: string
  action: 'expire' | 'transition'
  /** Whole days from now until the rule acts: 0 at ECR's next evaluation (within a day). */
  inDays: number
  countType: LifecycleRule['selection']['countType']
  countNumber: number
}

/**
 * The first rule that would act on `digest` within `horizonDays`, the repository as it is after
 * the promotion (no other image pushed meanwhile), day by day; none if the image is safe that long.
 */
export function firstAction(
  rules: LifecycleRule[],
  images: RepositoryImage[],
  digest: string,
  now: number,
  horizonDays: number
): LifecycleFinding | undefined {
  for (let day = 0; day <= horizonDays; day++) {
    const rule = evaluate(rules, images, now + day * DAY_MS).get(digest)
    if (rule)
      return {
        rulePriority: rule.rulePriority,
        ...(rule.description !== undefined && { description: rule.description }),
        action: rule.action.type,
        inDays: day,
        countType: rule.selection.countType,
        countNumber: rule.selection.countNumber
      }
  }
  return undefined
}

/**
 * The repository once a promotion is done: `digest` carries `tags` (taken from any image that had
 * them), and is there, pushed now, if it was not.
 */
export function afterPromotion(
  images: RepositoryImage[],
  digest: string,
  tags: string[],
  now: number
): RepositoryImage[] {
  const moved = new Set(tags)
  const after = images.map((image) =>
    image.digest === digest
      ? { ...image, tags: [...new Set([...image.tags, ...tags])] }
      : { ...image, tags: image.tags.filter((tag) => !moved.has(tag)) }
  )
  if (!after.some((image) => image.digest === digest))
    after.push({ digest, tags: [...tags], pushedAt: now })
  return after
}

export interface LifecycleCheck {
  check: 'warn' | 'refuse' | 'off'
  horizonDays: number
}

/** A finding, with the words every report uses. */
export type LifecycleWarning = LifecycleFinding & { message: string }

/** The words for a finding: which rule, what it does, when, and why the promotion does not help. */
export function findingMessage(
  name: string,
  repository: string,
  finding: LifecycleFinding
): string {
  const rule = `rule ${finding.rulePriority}${finding.description ? ` ("${finding.description}")` : ''}`
  const what = finding.action === 'expire' ? 'expire' : 'move to the archive'
  const when =
    finding.inDays === 0
      ? 'at its next evaluation (within a day)'
      : `in about ${finding.inDays} day${finding.inDays === 1 ? '' : 's'}`
  const why =
    finding.countType === 'imageCountMoreThan'
      ? `it is not among the ${finding.countNumber} newest images by push time that the rule keeps`
      : finding.countType === 'sinceImagePulled'
        ? `its age counts from its last recorded pull; the promoter's own reads count as pulls unless its role is registered with RegisterPullTimeUpdateExclusion`
        : 'its age counts from its push, not from this promotion'
  return `${name}: the lifecycle policy of ${repository} would ${what} it ${when} by ${rule}: ${why}. Change the rule's selection to leave promoted tags out, or promote a newer build.`
}
