import type { Operation } from '../context.js'
import type { EmulatorSettings } from '../context.js'
import { ServiceError, invalidParameter, validation } from '../errors.js'
import { manifestDigest, parseManifest } from '../manifests.js'
import { isTagLocked, tagsOf, type Repository, type StoredImage } from '../store.js'
import {
  DIGEST,
  MAX_MANIFEST_LENGTH,
  TAG,
  checkRegistryId,
  checkRepositoryName,
  checkTag,
  requireString
} from '../validation.js'

export interface PushRequest {
  manifest: string
  mediaType?: string
  digest?: string
  tag?: string
}

export interface PushResult {
  image: StoredImage
  tag?: string
}

const MAX_TAGS_PER_IMAGE = 1000

function imageSize(repository: Repository, manifest: string, blobDigests: string[]): number {
  return blobDigests.reduce(
    (total, digest) => total + (repository.blobs.get(digest)?.size ?? 0),
    Buffer.byteLength(manifest)
  )
}

/**
 * PutImage's semantics, shared by the API and by seeding so that seeded state is always state
 * the API could have made.
 */
export function pushManifest(
  repository: Repository,
  request: PushRequest,
  settings: EmulatorSettings
): PushResult {
  const { manifest } = request
  if (manifest.length < 1 || manifest.length > MAX_MANIFEST_LENGTH) {
    throw validation(
      'imageManifest',
      `${manifest.slice(0, 20)}...`,
      `Member must have length between 1 and ${MAX_MANIFEST_LENGTH}`
    )
  }
  if (request.tag !== undefined) checkTag(request.tag)
  if (request.digest !== undefined && !DIGEST.test(request.digest)) {
    throw invalidParameter(
      `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Invalid image digest ${request.digest}'`
    )
  }
  const parsed = parseManifest(manifest, request.mediaType)
  const digest = manifestDigest(manifest, parsed.mediaType)
  if (request.digest !== undefined && request.digest !== digest) {
    throw new ServiceError(
      'ImageDigestDoesNotMatchException',
      `Invalid parameter at 'imageDigest' failed to satisfy constraint: 'The provided digest ${request.digest} does not match the calculated digest ${digest}'`
    )
  }
  const missingBlobs = parsed.blobDigests.filter((blob) => !repository.blobs.has(blob))
  if (missingBlobs.length > 0) {
    throw new ServiceError(
      'LayersNotFoundException',
      `Layers with digests '[${missingBlobs.join(', ')}]' required for pushing image into repository with name '${repository.name}' in the registry with id '${repository.registryId}' do not exist`
    )
  }
  const missingChildren = parsed.childDigests.filter((child) => !repository.images.has(child))
  if (missingChildren.length > 0) {
    throw new ServiceError(
      'ReferencedImagesNotFoundException',
      `Manifest list or image index references images with digests '[${missingChildren.join(', ')}]' that do not exist in repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  }
  const existing = repository.images.get(digest)
  const { tag } = request
  if (tag === undefined) {
    if (existing) throw alreadyExists(repository, digest, undefined)
  } else {
    const current = repository.tags.get(tag)
    if (current === digest) {
      throw isTagLocked(repository, tag) &&
        settings.lockedSameDigest === 'ImageTagAlreadyExistsException'
        ? tagLocked(repository, tag)
        : alreadyExists(repository, digest, tag)
    }
    if (current !== undefined && isTagLocked(repository, tag)) throw tagLocked(repository, tag)
    if (existing && tagsOf(repository, digest).length >= MAX_TAGS_PER_IMAGE) {
      throw new ServiceError(
        'LimitExceededException',
        `The image with digest '${digest}' already has ${MAX_TAGS_PER_IMAGE} tags, the most an image may have`
      )
    }
  }
  const image: StoredImage = existing ?? {
    digest,
    manifest,
    mediaType: parsed.mediaType,
    pushedAt: new Date(),
    blobDigests: parsed.blobDigests,
    childDigests: parsed.childDigests,
    size: imageSize(repository, manifest, parsed.blobDigests),
    ...(parsed.subject && { subject: parsed.subject }),
    ...(parsed.artifactType && { artifactType: parsed.artifactType })
  }
  repository.images.set(digest, image)
  if (tag !== undefined) repository.tags.set(tag, digest)
  return { image, ...(tag !== undefined && { tag }) }
}

function alreadyExists(
  repository: Repository,
  digest: string,
  tag: string | undefined
): ServiceError {
  return new ServiceError(
    'ImageAlreadyExistsException',
    `Image with digest '${digest}'${tag !== undefined ? ` and tag '${tag}'` : ''} already exists in the repository with name '${repository.name}' in registry with id '${repository.registryId}'`
  )
}

function tagLocked(repository: Repository, tag: string): ServiceError {
  return new ServiceError(
    'ImageTagAlreadyExistsException',
    `The image tag '${tag}' already exists in the '${repository.name}' repository and cannot be overwritten because the repository is immutable.`
  )
}

/** The repository named by the request, in the registry it names (default: the caller's). */
export function targetRepository(context: Parameters<Operation>[0]): Repository {
  const { body } = context
  checkRegistryId(body.registryId)
  const name = requireString(body, 'repositoryName')
  checkRepositoryName(name)
  return context.store.repository(
    (body.registryId as string | undefined) ?? context.account,
    context.region,
    name
  )
}

export const putImage: Operation = (context) => {
  const repository = targetRepository(context)
  const { body } = context
  const manifest = requireString(body, 'imageManifest')
  const optional = (field: string): string | undefined => {
    const value = body[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') throw validation(field, value, 'Member must be a string')
    return value
  }
  const { image, tag } = pushManifest(
    repository,
    {
      manifest,
      ...(optional('imageManifestMediaType') !== undefined && {
        mediaType: optional('imageManifestMediaType')
      }),
      ...(optional('imageDigest') !== undefined && { digest: optional('imageDigest') }),
      ...(optional('imageTag') !== undefined && { tag: optional('imageTag') })
    },
    context.settings
  )
  return {
    image: {
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageId: { imageDigest: image.digest, ...(tag !== undefined && { imageTag: tag }) },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType
    }
  }
}

interface ImageId {
  imageTag?: unknown
  imageDigest?: unknown
}

function imageIds(body: Record<string, unknown>, max: number): ImageId[] {
  const ids = body.imageIds
  if (!Array.isArray(ids)) throw validation('imageIds', null, 'Member must not be null')
  if (ids.length < 1 || ids.length > max)
    throw validation(
      'imageIds',
      `[${ids.length} items]`,
      `Member must have length between 1 and ${max}`
    )
  return ids as ImageId[]
}

type Lookup =
  | { image: StoredImage; id: ImageId }
  | { failure: { imageId: ImageId; failureCode: string; failureReason: string } }

function lookup(repository: Repository, id: ImageId): Lookup {
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

export const batchGetImage: Operation = (context) => {
  const repository = targetRepository(context)
  const ids = imageIds(context.body, 100)
  const accepted = context.body.acceptedMediaTypes as string[] | undefined
  if (
    accepted !== undefined &&
    (!Array.isArray(accepted) || accepted.length < 1 || accepted.length > 100)
  ) {
    throw validation('acceptedMediaTypes', accepted, 'Member must have length between 1 and 100')
  }
  const images: unknown[] = []
  const failures: unknown[] = []
  for (const id of ids) {
    const found = lookup(repository, id)
    if ('failure' in found) {
      failures.push(found.failure)
      continue
    }
    const { image } = found
    // No conversion: a manifest in a type the caller does not accept is not found for it.
    if (accepted && !accepted.includes(image.mediaType)) {
      failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: `Requested image not found in an accepted media type (stored as ${image.mediaType})`
      })
      continue
    }
    images.push({
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageId: {
        imageDigest: image.digest,
        ...(typeof id.imageTag === 'string' && { imageTag: id.imageTag })
      },
      imageManifest: image.manifest,
      imageManifestMediaType: image.mediaType
    })
  }
  return { images, failures }
}

export const describeImages: Operation = (context) => {
  const repository = targetRepository(context)
  const requested = context.body.imageIds === undefined ? undefined : imageIds(context.body, 100)
  const selected: StoredImage[] = []
  const failures: unknown[] = []
  if (requested) {
    for (const id of requested) {
      const found = lookup(repository, id)
      if ('failure' in found) {
        if (found.failure.failureCode === 'ImageNotFound') {
          throw new ServiceError(
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${String(id.imageDigest ?? 'null')}', imageTag:'${String(id.imageTag ?? 'null')}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
          )
        }
        failures.push(found.failure)
      } else if (!selected.includes(found.image)) selected.push(found.image)
    }
  } else selected.push(...repository.images.values())
  return {
    imageDetails: selected.map((image) => ({
      registryId: repository.registryId,
      repositoryName: repository.name,
      imageDigest: image.digest,
      imageTags: tagsOf(repository, image.digest),
      imageSizeInBytes: image.size,
      imagePushedAt: image.pushedAt.getTime() / 1000,
      imageManifestMediaType: image.mediaType,
      ...(image.artifactType && { artifactMediaType: image.artifactType })
    }))
  }
}

export const batchDeleteImage: Operation = (context) => {
  const repository = targetRepository(context)
  const imageIdsDeleted: unknown[] = []
  const failures: unknown[] = []
  for (const id of imageIds(context.body, 100)) {
    const found = lookup(repository, id)
    if ('failure' in found) {
      failures.push(found.failure)
      continue
    }
    const { image } = found
    if (typeof id.imageTag === 'string' && typeof id.imageDigest !== 'string') {
      // Deleting by tag removes the tag; the image goes with its last tag.
      repository.tags.delete(id.imageTag)
      imageIdsDeleted.push({ imageTag: id.imageTag, imageDigest: image.digest })
      if (tagsOf(repository, image.digest).length > 0) continue
    }
    const parents = [...repository.images.values()].filter((other) =>
      other.childDigests.includes(image.digest)
    )
    if (parents.length > 0) {
      failures.push({
        imageId: id,
        failureCode: 'ImageReferencedByManifestList',
        failureReason: `Requested image referenced by manifest list: [${parents.map((p) => p.digest).join(', ')}]`
      })
      continue
    }
    for (const tag of tagsOf(repository, image.digest)) {
      repository.tags.delete(tag)
      imageIdsDeleted.push({ imageTag: tag, imageDigest: image.digest })
    }
    repository.images.delete(image.digest)
    if (typeof id.imageTag !== 'string') imageIdsDeleted.push({ imageDigest: image.digest })
  }
  return { imageIds: imageIdsDeleted, failures }
}
