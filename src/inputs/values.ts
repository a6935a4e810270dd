// Single values as the inputs spell them: lists, booleans, digests, tags, ids, regions.
import { DIGEST_PATTERN, REGISTRY_ID_PATTERN, TAG_PATTERN, isValidRegion } from '../oci/index.js'
import { InputError, quote } from './errors.js'

/** How a face hands over an input's raw value, by the input's name ('' when not given). */
export type InputReader = (name: string) => string

const GLOB_PATTERN = /^[a-zA-Z0-9_.*?-]{1,300}$/

/** Splits a list input on newlines and commas, dropping blank entries. */
export function splitList(value: string): string[] {
  return value
    .split(/[\r\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `${quote(value)} is not a boolean; use true or false`)
}

/** on-failure: what a run whose writes stop short does with the tags it wrote. */
export function parseOnFailure(value: string): 'keep' | 'rollback' {
  if (value === '' || value === 'keep') return 'keep'
  if (value === 'rollback') return 'rollback'
  throw new InputError('on-failure', `${quote(value)} is not a choice; use keep or rollback`)
}

export function parseLifecycleCheck(value: string): 'warn' | 'refuse' | 'off' {
  if (value === '' || value === 'warn') return 'warn'
  if (value === 'refuse' || value === 'off') return value
  throw new InputError(
    'lifecycle-check',
    `${quote(value)} is not a choice; use warn, refuse or off`
  )
}

export function parseDigest(input: string, value: string): string | undefined {
  if (value === '') return undefined
  if (!DIGEST_PATTERN.test(value)) {
    throw new InputError(
      input,
      `${quote(value)} is not an image digest; expected sha256: followed by 64 lowercase hex digits`
    )
  }
  return value
}

export function checkTag(input: string, tag: string, shownAs = tag): string {
  if (!TAG_PATTERN.test(tag)) {
    throw new InputError(
      input,
      `${quote(shownAs)} is not a valid tag; ECR tags are 1 to 300 characters of letters, digits, "_", "." and "-"`
    )
  }
  return tag
}

export function parseProtectTags(value: string): string[] {
  const patterns = splitList(value)
  for (const pattern of patterns) {
    if (!GLOB_PATTERN.test(pattern)) {
      throw new InputError(
        'protect-tags',
        `${quote(pattern)} is not a tag pattern; use tag characters with * and ? wildcards`
      )
    }
  }
  return patterns
}

export function parseRegistryId(input: string, value: string): string {
  if (value !== '' && !REGISTRY_ID_PATTERN.test(value)) {
    throw new InputError(input, `${quote(value)} is not an AWS account id (12 digits)`)
  }
  return value
}

export function parseRegion(input: string, value: string): string {
  if (value !== '' && !isValidRegion(value)) {
    throw new InputError(input, `${quote(value)} is not an AWS region name such as us-east-1`)
  }
  return value
}

/** The AWS region named by the environment, validated. */
export function regionFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const value = (env.AWS_REGION || env.AWS_DEFAULT_REGION || '').trim()
  if (value === '') return undefined
  if (!isValidRegion(value)) {
    throw new InputError(
      'region',
      `${quote(value)} (from AWS_REGION or AWS_DEFAULT_REGION) is not an AWS region name`
    )
  }
  return value
}

/** A positive number of calls per second (fractions allowed). */
export function parsePositiveNumber(input: string, value: string, fallback: number): number {
  if (value === '') return fallback
  const parsed = Number(value)
  if (!/^\d+(\.\d+)?$/.test(value) || !(parsed > 0) || parsed > 100_000) {
    throw new InputError(
      input,
      `${quote(value)} is not a positive number of calls per second, such as 10 or 25`
    )
  }
  return parsed
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** The longest duration an input takes: a year, far past any run or scan worth waiting for. */
export const MAX_DURATION_MS = 365 * UNITS.d!

/** `90s`, `10m`, `1h30m`, `7d` (up to a year), as a number of milliseconds; a unit is required. */
export function parseDuration(input: string, value: string, allowZero = false): number {
  if (allowZero && /^0+$/.test(value)) return 0
  if (/^\d+(\.\d+)?$/.test(value))
    throw new InputError(
      input,
      `${quote(value)} has no unit; write it with one, such as ${value}s or ${value}m (also 1h30m, 7d)`
    )
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)]
  const total = parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNITS[unit!]!, 0)
  if (parts.map((part) => part[0]).join('') !== value || !(total > 0)) {
    throw new InputError(input, `${quote(value)} is not a duration; use 90s, 10m, 1h30m or 7d`)
  }
  if (total > MAX_DURATION_MS)
    throw new InputError(input, `${quote(value)} is longer than a year; use 365d or less`)
  return total
}
