// Pagination as ECR's list calls do it: `maxResults` within the operation's range (a default when
// absent), and an opaque `nextToken` that resumes where the previous page ended.
import { invalidMember } from '../errors.js'
import { integerIn } from '../validation.js'

export interface PageRequest {
  start: number
  size: number
}

export function pageRequest(
  body: Record<string, unknown>,
  limits: { max: number; fallback: number }
): PageRequest {
  const size = integerIn(body, 'maxResults', 1, limits.max, limits.fallback)
  if (body.nextToken === undefined || body.nextToken === null) return { start: 0, size }
  const start =
    typeof body.nextToken === 'string'
      ? Number(Buffer.from(body.nextToken, 'base64url').toString())
      : NaN
  if (!Number.isInteger(start) || start <= 0)
    throw invalidMember('nextToken', 'Member must be a nextToken from a previous call')
  return { start, size }
}

export function page<T>(items: T[], request: PageRequest): { items: T[]; nextToken?: string } {
  const end = request.start + request.size
  return {
    items: items.slice(request.start, end),
    ...(end < items.length && { nextToken: Buffer.from(String(end)).toString('base64url') })
  }
}
