// The lifecycle check: for each target repository, its lifecycle policy read once and, when it has
// one, its images listed once; then for each image promoted into it, the first rule that would
// expire or archive it within the horizon, as the repository will be after the promotion.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import { EcrError, isUnsupported, type Registry } from '../registry/index.js'
import {
  afterPromotion,
  findingMessage,
  firstAction,
  parsePolicy,
  type LifecycleCheck,
  type LifecycleRule,
  type LifecycleWarning,
  type RepositoryImage
} from './lifecycle.js'
import type { ResolvedImage } from './types.js'

export type { LifecycleCheck, LifecycleWarning } from './lifecycle.js'

type Policy = { rules: LifecycleRule[]; images: RepositoryImage[] } | undefined

/** Why a policy could not be read, in words that name the permission. */
function unread(repository: RepositoryRef, error: unknown, permission: string): string {
  const why = error instanceof Error ? error.message : String(error)
  return `The lifecycle policy of ${describeRepository(repository)} could not be checked (${why}): whether it would expire or archive the promoted image is not known. Grant ${permission} (docs/iam.md) to have it checked.`
}

/** A target's policy and images, read once per repository as the request names it. */
export type PolicyReader = (target: RepositoryRef) => Promise<Policy>

/** Reads each target's policy and images once, however many images go there. */
export function lifecycleReader(registry: Registry, warn: (message: string) => void): PolicyReader {
  const read = new Map<string, Promise<Policy>>()
  const load = async (target: RepositoryRef): Promise<Policy> => {
    let text: string | undefined
    try {
      const answer = await registry.lifecyclePolicy(target)
      if (answer === undefined || isUnsupported(answer)) return undefined
      text = answer
    } catch (error) {
      if (!(error instanceof EcrError)) throw error
      // A target not there yet has no policy; resolve says what that means for the run.
      if (error.code !== 'RepositoryNotFoundException')
        warn(unread(target, error, 'ecr:GetLifecyclePolicy'))
      return undefined
    }
    let rules: LifecycleRule[]
    try {
      rules = parsePolicy(text)
    } catch (error) {
      warn(unread(target, error, 'nothing more: the policy is not one ECR runs'))
      return undefined
    }
    try {
      const images = await registry.listImages(target)
      if (isUnsupported(images)) return undefined
      return {
        rules,
        images: images.map(({ digest, tags, pushedAt, lastPulledAt, status }) => ({
          digest,
          tags,
          pushedAt,
          ...(lastPulledAt !== undefined && { lastPulledAt }),
          ...(status === 'ARCHIVED' && { archived: true })
        }))
      }
    } catch (error) {
      if (!(error instanceof EcrError)) throw error
      warn(unread(target, error, 'ecr:DescribeImages on the target'))
      return undefined
    }
  }
  return (target) => {
    const key = [target.publicAlias, target.registryId, target.region, target.name].join('|')
    let policy = read.get(key)
    if (!policy) read.set(key, (policy = load(target)))
    return policy
  }
}

/** The first rule that would act on the image within the horizon, once it is promoted. */
export async function lifecycleOf(
  image: ResolvedImage,
  check: LifecycleCheck,
  policyOf: PolicyReader,
  now = Date.now()
): Promise<LifecycleWarning | undefined> {
  if (check.check === 'off' || image.target.publicAlias !== undefined) return undefined
  // By the target as the request names it: the read began before the image was resolved.
  const policy = await policyOf(image.request.target)
  if (!policy) return undefined
  const { digest } = image.source
  const after = afterPromotion(policy.images, digest, image.request.tags, now)
  const finding = firstAction(policy.rules, after, digest, now, check.horizonDays)
  if (!finding) return undefined
  return {
    ...finding,
    message: findingMessage(image.request.name, describeRepository(image.target), finding)
  }
}
