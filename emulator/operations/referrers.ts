import type { Operation } from '../context.js'
import { validation } from '../errors.js'
import { DIGEST } from '../validation.js'
import { targetRepository } from './images.js'

export const listImageReferrers: Operation = (context) => {
  const repository = targetRepository(context)
  const { body } = context
  const subject = (body.subjectId as { imageDigest?: unknown } | undefined)?.imageDigest
  if (typeof subject !== 'string' || !DIGEST.test(subject))
    throw validation('subjectId.imageDigest', subject ?? null, 'Member must be an image digest')
  const maxResults = (body.maxResults as number | undefined) ?? 50
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50)
    throw validation('maxResults', maxResults, 'Member must have value between 1 and 50')
  const artifactTypes = (body.filter as { artifactTypes?: string[] } | undefined)?.artifactTypes
  const all = [...repository.images.values()]
    .filter((image) => image.subject === subject)
    .filter(
      (image) =>
        !artifactTypes ||
        (image.artifactType !== undefined && artifactTypes.includes(image.artifactType))
    )
    .sort((a, b) => a.digest.localeCompare(b.digest))
  const start =
    typeof body.nextToken === 'string'
      ? Number(Buffer.from(body.nextToken, 'base64url').toString())
      : 0
  if (!Number.isInteger(start) || start < 0)
    throw validation('nextToken', body.nextToken, 'Member must be a token from a previous call')
  const page = all.slice(start, start + maxResults)
  const next =
    start + maxResults < all.length
      ? Buffer.from(String(start + maxResults)).toString('base64url')
      : undefined
  return {
    referrers: page.map((image) => ({
      digest: image.digest,
      mediaType: image.mediaType,
      ...(image.artifactType && { artifactType: image.artifactType }),
      size: Buffer.byteLength(image.manifest),
      artifactStatus: 'ACTIVE'
    })),
    ...(next && { nextToken: next })
  }
}
