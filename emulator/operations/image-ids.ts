// Image identifiers ({imageTag, imageDigest}) and how ECR resolves them: in batches, as per-id
// failures (BatchGetImage, BatchDeleteImage); one at a time, as errors (DescribeImages, scan
// findings, signing status).
import { ServiceError, invalidMember } from '../errors.js'
import type { Repository, StoredImage } from '../store.js'
import { DIGEST, TAG, checkTag, requireList } from '../validation.js'

export interface ImageId {
  imageTag?: unknown
  imageDigest?: unknown
}

/** `imageIds`, 1..`max` of them. */
export function imageIds(body: Record<string, unknown>, max: number): ImageId[] {
  return requireList(body, 'imageIds', 1, max) as ImageId[]
}

export type Lookup =
  | { image: StoredImage; id: ImageId }
  | { failure: { imageId: ImageId; failureCode: string; failureReason: string } }

export function lookup(repository: Repository, id: ImageId): Lookup {
  const fail = (failureCode: string, failureReason: string): Lookup => ({
    failure: { imageId: id, failureCode, failureReason }
  })
  const tag = typeof id.imageTag === 'string' ? id.imageTag : undefined
  const digest = typeof id.imageDigest === 'string' ? id.imageDigest : undefined
  if (tag === undefined && digest === undefined)
    return fail(
      'MissingDigestAndTag',
      'Invalid request parameters: both tag and digest cannot be null'
    )
  if (tag !== undefined && !TAG.test(tag)) return fail('InvalidImageTag', 'Invalid image tag')
  if (digest !== undefined && !DIGEST.test(digest))
    return fail('InvalidImageDigest', 'Invalid image digest')
  const byTag = tag !== undefined ? repository.tags.get(tag) : undefined
  if (tag !== undefined && digest !== undefined && byTag !== undefined && byTag !== digest) {
    return fail('ImageTagDoesNotMatchDigest', 'Invalid image digest')
  }
  const image = repository.images.get(byTag ?? digest ?? '')
  if (!image || (tag !== undefined && byTag === undefined))
    return fail('ImageNotFound', 'Requested image not found')
  return { image, id }
}

/** An image id as ECR's messages print it: {imageDigest:'sha256:…', imageTag:'null'}. */
export const imageIdText = (id: ImageId): string =>
  `{imageDigest:'${String(id.imageDigest ?? 'null')}', imageTag:'${String(id.imageTag ?? 'null')}'}`

export function imageNotFound(repository: Repository, id: ImageId): ServiceError {
  return new ServiceError(
    'ImageNotFoundException',
    `The image with imageId ${imageIdText(id)} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
  )
}

/** One image by id, or ECR's error: InvalidParameterException for a malformed id. */
export function resolveImage(repository: Repository, id: ImageId, field = 'imageId'): StoredImage {
  if (typeof id !== 'object' || id === null) throw invalidMember(field, 'Member must not be null')
  const found = lookup(repository, id)
  if ('image' in found) return found.image
  switch (found.failure.failureCode) {
    case 'InvalidImageTag':
      checkTag(String(id.imageTag))
      break
    case 'InvalidImageDigest':
      throw invalidMember('imageDigest', `Invalid image digest ${String(id.imageDigest)}`)
    case 'MissingDigestAndTag':
      throw invalidMember(field, 'both tag and digest cannot be null')
  }
  throw imageNotFound(repository, id)
}

/** The id as a single-image answer echoes it: the digest, and the tag if one was asked for. */
export const echoId = (image: StoredImage, id: ImageId) => ({
  imageDigest: image.digest,
  ...(typeof id.imageTag === 'string' && { imageTag: id.imageTag })
})
