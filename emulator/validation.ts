// ECR's own request validation: every violation answers InvalidParameterException (errors.ts).
import { invalidMember } from './errors.js'

export const TAG = /^[a-zA-Z0-9_.-]{1,300}$/
export const DIGEST = /^sha256:[0-9a-f]{64}$/
export const REGISTRY_ID = /^[0-9]{12}$/
export const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
export const WILDCARD_FILTER = /^[0-9a-zA-Z._*-]{1,128}$/
export const MAX_MANIFEST_LENGTH = 4_194_304

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '')
    throw invalidMember(field, 'Member must not be null')
  return value
}

/** A string member's length, worded as ECR words it for names and tags ("must have length ..."). */
function checkLength(field: string, value: string, min: number, max: number): void {
  if (value.length < min)
    throw invalidMember(field, `must have length greater than or equal to ${min}`)
  if (value.length > max)
    throw invalidMember(field, `must have length less than or equal to ${max}`)
}

export function checkRepositoryName(name: string): void {
  checkLength('repositoryName', name, 2, 256)
  if (!REPOSITORY.test(name))
    throw invalidMember(
      'repositoryName',
      `must satisfy regular expression '${REPOSITORY.source.slice(1, -1)}'`
    )
}

export function checkRegistryId(registryId: unknown): void {
  if (
    registryId !== undefined &&
    (typeof registryId !== 'string' || !REGISTRY_ID.test(registryId))
  ) {
    throw invalidMember('registryId', 'Member must satisfy regular expression pattern: [0-9]{12}')
  }
}

export function checkTag(tag: string, field = 'imageTag'): void {
  checkLength(field, tag, 1, 300)
  if (!TAG.test(tag))
    throw invalidMember(field, "must satisfy regular expression '[a-zA-Z0-9-_.]+'")
}

/** A list member of `min`..`max` items; returns it. */
export function requireList(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number
) {
  const list = body[field]
  if (!Array.isArray(list)) throw invalidMember(field, 'Member must not be null')
  checkCount(field, list, min, max)
  return list as unknown[]
}

export function checkCount(field: string, list: unknown[], min: number, max: number): void {
  if (list.length < min)
    throw invalidMember(field, `Member must have length greater than or equal to ${min}`)
  if (list.length > max)
    throw invalidMember(field, `Member must have length less than or equal to ${max}`)
}

/** An optional integer member of `min`..`max`, or `fallback` when absent. */
export function integerIn(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  fallback: number
): number {
  const value = body[field] ?? fallback
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidMember(field, 'Member must be an integer')
  if (value < min)
    throw invalidMember(field, `Member must have value greater than or equal to ${min}`)
  if (value > max) throw invalidMember(field, `Member must have value less than or equal to ${max}`)
  return value
}

/** An optional member from a closed set of values. */
export function checkEnum(field: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string))
    throw invalidMember(field, `Member must satisfy enum value set: [${allowed.join(', ')}]`)
}

/** `*` matches any run of characters, as ECR's wildcard exclusion filters do. */
export function matchesWildcard(tag: string, filter: string): boolean {
  const pattern = filter.replace(/[.+^${}()|[\]\\?-]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${pattern}$`).test(tag)
}
