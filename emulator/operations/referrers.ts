import type { Operation } from '../context.js'
import { invalidMember } from '../errors.js'
import { ARTIFACT_STATUSES, statusOf } from '../store.js'
import { DIGEST, checkEnum } from '../validation.js'
import { targetRepository } from './images.js'
import { page, pageRequest } from './pages.js'

interface Filter {
  artifactTypes?: unknown
  artifactStatus?: unknown
}

export const listImageReferrers: Operation = (context) => {
  const repository = targetRepository(context)
  const { body } = context
  const subject = (body.subjectId as { imageDigest?: unknown } | undefined)?.imageDigest
  if (subject === undefined || subject === null)
    throw invalidMember('subjectId.imageDigest', 'Member must not be null')
  if (typeof subject !== 'string' || !DIGEST.test(subject))
    throw invalidMember('subjectId.imageDigest', `Invalid image digest ${String(subject)}`)
  // The model's default page is 20 (the API reference page still says 50).
  const request = pageRequest(body, { max: 50, fallback: 20 })
  const filter = (body.filter ?? {}) as Filter
  const { artifactTypes } = filter
  if (artifactTypes !== undefined && !Array.isArray(artifactTypes))
    throw invalidMember('filter.artifactTypes', 'Member must be a list')
  checkEnum('filter.artifactStatus', filter.artifactStatus, [...ARTIFACT_STATUSES, 'ANY'])
  // Without a status filter, only ACTIVE referrers are listed.
  const status = (filter.artifactStatus as string | undefined) ?? 'ACTIVE'
  const all = [...repository.images.values()]
    .filter((image) => image.subject === subject)
    .filter((image) => status === 'ANY' || statusOf(image) === status)
    .filter(
      (image) =>
        !artifactTypes ||
        (image.artifactType !== undefined && artifactTypes.includes(image.artifactType))
    )
    .sort((a, b) => a.digest.localeCompare(b.digest))
  const { items, nextToken } = page(all, request)
  return {
    referrers: items.map((image) => ({
      digest: image.digest,
      mediaType: image.mediaType,
      ...(image.artifactType && { artifactType: image.artifactType }),
      size: Buffer.byteLength(image.manifest),
      ...(image.annotations && { annotations: image.annotations }),
      artifactStatus: statusOf(image)
    })),
    ...(nextToken && { nextToken })
  }
}
