import { validation } from './errors.js'

export const TAG = /^[a-zA-Z0-9_.-]{1,300}$/
export const DIGEST = /^sha256:[0-9a-f]{64}$/
export const REGISTRY_ID = /^[0-9]{12}$/
export const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
export const WILDCARD_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/
export const MAX_MANIFEST_LENGTH = 4_194_304

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '') {
    throw validation(field, value ?? null, 'Member must not be null')
  }
  return value
}

export function checkRepositoryName(name: string): void {
  if (name.length < 2 || name.length > 256) {
    throw validation('repositoryName', name, 'Member must have length between 2 and 256')
  }
  if (!REPOSITORY.test(name)) {
    throw validation(
      'repositoryName',
      name,
      `Member must satisfy regular expression pattern: ${REPOSITORY.source.slice(1, -1)}`
    )
  }
}

export function checkRegistryId(registryId: unknown): void {
  if (
    registryId !== undefined &&
    (typeof registryId !== 'string' || !REGISTRY_ID.test(registryId))
  ) {
    throw validation(
      'registryId',
      registryId,
      'Member must satisfy regular expression pattern: [0-9]{12}'
    )
  }
}

export function checkTag(tag: string, field = 'imageTag'): void {
  if (tag.length < 1 || tag.length > 300)
    throw validation(field, tag, 'Member must have length between 1 and 300')
  if (!TAG.test(tag))
    throw validation(field, tag, 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_.]+')
}

/** `*` matches any run of characters, as ECR's wildcard exclusion filters do. */
export function matchesWildcard(tag: string, filter: string): boolean {
  const pattern = filter.replace(/[.+^${}()|[\]\\?-]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${pattern}$`).test(tag)
}
