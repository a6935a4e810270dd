// Names and references as ECR enforces them. Every check here runs before any AWS call, so a bad
// input never reaches the registry.
import { PUBLIC_REGISTRY_HOST } from './repository.js'

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/
export const REGISTRY_ID_PATTERN = /^[0-9]{12}$/
export const TAG_PATTERN = /^[a-zA-Z0-9_.-]{1,300}$/
const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-[0-9]+$/

// Private ECR registry hosts: standard, FIPS, China, and the dual-stack endpoint.
const ECR_HOST_PATTERN =
  /^([0-9]{12})\.dkr[.-]ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/

export interface RegistryHost {
  registryId: string
  region: string
}

export function isValidRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_PATTERN.test(name)
}

export function isValidRegion(region: string): boolean {
  return REGION_PATTERN.test(region)
}

export function parseRegistryHost(host: string): RegistryHost | undefined {
  const match = ECR_HOST_PATTERN.exec(host.toLowerCase())
  return match ? { registryId: match[1]!, region: match[2]! } : undefined
}

const PUBLIC_ALIAS_PATTERN = /^[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*$/
const PUBLIC_NAME_MAX = 205

export function isValidPublicAlias(alias: string): boolean {
  return alias.length >= 2 && alias.length <= 50 && PUBLIC_ALIAS_PATTERN.test(alias)
}

export function isValidPublicRepositoryName(name: string): boolean {
  return name.length <= PUBLIC_NAME_MAX && isValidRepositoryName(name)
}

export function isPublicRegistryHost(host: string): boolean {
  return host.toLowerCase() === PUBLIC_REGISTRY_HOST
}

/** Why a tag that ECR accepts may still be unusable, or undefined when Docker clients can pull it. */
export function tagPullWarning(tag: string): string | undefined {
  if (tag.length > 128) {
    return `tag "${tag.slice(0, 40)}…" is ${tag.length} characters long: ECR accepts up to 300, but Docker clients cannot pull tags longer than 128`
  }
  if (tag.startsWith('.') || tag.startsWith('-')) {
    return `tag "${tag}" starts with "${tag[0]}": ECR accepts it, but Docker clients cannot pull it`
  }
  return undefined
}

const REGISTRY_HOST_LIKE =
  /(?:\.amazonaws\.com(?:\.cn)?|\.on\.aws|^public\.ecr\.aws|^(?:docker|ghcr|quay|gcr|mcr)\.io|\.pkg\.dev|\.azurecr\.io|^registry\.gitlab\.com|:\d+|^localhost)$/i

export interface ImageReference {
  /** The registry host, when the reference names one. */
  host?: string
  repository: string
  tag?: string
  digest?: string
}

/**
 * Splits `[HOST/]REPOSITORY[:TAG][@DIGEST]`. The first path component is a host when it looks like
 * a registry: an AWS domain, a well-known registry, a port, or `localhost`. Otherwise it belongs to
 * the repository name, since ECR names may contain dots (`team.a/app`). Only the shape is checked.
 */
export function splitImageReference(reference: string): ImageReference {
  let rest = reference
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let host: string | undefined
  const slash = rest.indexOf('/')
  if (slash >= 0) {
    const first = rest.slice(0, slash)
    if (REGISTRY_HOST_LIKE.test(first)) {
      host = first
      rest = rest.slice(slash + 1)
    }
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon >= 0) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  return {
    ...(host !== undefined && { host }),
    repository: rest,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest })
  }
}
