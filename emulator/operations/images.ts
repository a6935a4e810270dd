import type { Operation } from '../context.js'
import type { EmulatorSettings } from '../context.js'
import { ServiceError, invalidMember, invalidParameter } from '../errors.js'
import { manifestDigest, parseManifest } from '../manifests.js'
import {
  ARTIFACT_STATUSES,
  isTagLocked,
  startRestore,
  statusOf,
  tagsOf,
  type Repository,
  type StoredImage
} from '../store.js'
import {
  DIGEST,
  MAX_MANIFEST_LENGTH,
  checkCount,
  checkEnum,
  matchesWildcard,
  checkRegistryId,
  checkRepositoryName,
  checkTag,
  requireString
} from '../validation.js'
import { putSigning } from '../signing.js'
import { imageIds, imageNotFound, lookup, resolveImage } from './image-ids.js'
import { page, pageRequest } from './pages.js'

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
    throw invalidMember(
      'imageManifest',
      `Member must have length less than or equal to ${MAX_MANIFEST_LENGTH}`
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
    artifactStatus: 'ACTIVE',
    pushedAt: new Date(),
    blobDigests: parsed.blobDigests,
    childDigests: parsed.childDigests,
    size: imageSize(repository, manifest, parsed.blobDigests),
    ...(parsed.subject && { subject: parsed.subject }),
    ...(parsed.artifactType && { artifactType: parsed.artifactType }),
    ...(parsed.annotations && { annotations: parsed.annotations })
  }
  // Pushing an archived image again restores it (a paid restore, the archive's minimum charge).
  if (existing) startRestore(existing, settings.restoreMs)
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

/**
 * Managed signing: a push into a repository a signing rule of its registry matches is signed with
 * each matching rule's profile, IN_PROGRESS and then COMPLETE. A retag (PutImage of an image already
 * there) is assumed to count as a push. A status a test set for the digest beforehand stands.
 */
function signOnPush(context: Parameters<Operation>[0], repository: Repository, digest: string) {
  const rules =
    context.store.signingConfigurations.get(`${repository.registryId}/${repository.region}`) ?? []
  const profiles = rules
    .filter(
      (rule) =>
        !rule.repositoryFilters ||
        rule.repositoryFilters.some((filter) => matchesWildcard(repository.name, filter.filter))
    )
    .map((rule) => rule.signingProfileArn)
  if (profiles.length === 0 || repository.signing.has(digest)) return
  putSigning(
    repository,
    digest,
    profiles.map((signingProfileArn) => ({
      signingProfileArn,
      status: 'IN_PROGRESS' as const,
      completeAfterMs: context.settings.signingMs
    }))
  )
}

export const putImage: Operation = (context) => {
  const repository = targetRepository(context)
  const { body } = context
  const manifest = requireString(body, 'imageManifest')
  const optional = (field: string): string | undefined => {
    const value = body[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') throw invalidMember(field, 'Member must be a string')
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
  signOnPush(context, repository, image.digest)
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

export const batchGetImage: Operation = (context) => {
  const repository = targetRepository(context)
  const ids = imageIds(context.body, 100)
  const accepted = context.body.acceptedMediaTypes as string[] | undefined
  if (accepted !== undefined) {
    if (!Array.isArray(accepted)) throw invalidMember('acceptedMediaTypes', 'Member must be a list')
    checkCount('acceptedMediaTypes', accepted, 1, 100)
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
    // Archived (or still being restored): it cannot be pulled. Assumed: ECR's newest failure code.
    if (statusOf(image) !== 'ACTIVE') {
      failures.push({
        imageId: id,
        failureCode: 'ImageInaccessible',
        failureReason: `The image is ${statusOf(image)} and cannot be pulled until it is restored`
      })
      continue
    }
    // No conversion: a manifest in a type the caller does not accept is not found for it.
    if (accepted && !accepted.includes(image.mediaType)) {
      failures.push({
        imageId: id,
        failureCode: 'ImageNotFound',
        failureReason: `Requested image not found in an accepted media type (stored as ${image.mediaType})`
      })
      continue
    }
    // A pull, as ECR records it (for sinceImagePulled lifecycle rules).
    image.lastPulledAt = new Date()
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
  // Only ACTIVE images unless the filter asks for another status, or ANY (assumed to hold for
  // images asked for by id too).
  const filter = (context.body.filter ?? {}) as { imageStatus?: unknown }
  checkEnum('filter.imageStatus', filter.imageStatus, [...ARTIFACT_STATUSES, 'ANY'])
  const wanted = (filter.imageStatus as string | undefined) ?? 'ACTIVE'
  const matching = (
    requested
      ? [...new Set(requested.map((id) => resolveImage(repository, id)))]
      : [...repository.images.values()]
  ).filter((image) => wanted === 'ANY' || statusOf(image) === wanted)
  if (requested && matching.length === 0)
    throw imageNotFound(repository, requested[0] as Parameters<typeof imageNotFound>[1])
  // Listing the repository is paged (up to 1,000 a page); asking by id is not.
  const { items: selected, nextToken } = requested
    ? { items: matching, nextToken: undefined }
    : page(matching, pageRequest(context.body, { max: 1000, fallback: 100 }))
  return {
    ...(nextToken && { nextToken }),
    imageDetails: selected.map((image) => ({
      ...(image.lastPulledAt && { lastRecordedPullTime: image.lastPulledAt.getTime() / 1000 }),
      imageStatus: statusOf(image),
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
    // What ECR knows about the image goes with it.
    repository.scans.delete(image.digest)
    repository.signing.delete(image.digest)
    if (typeof id.imageTag !== 'string') imageIdsDeleted.push({ imageDigest: image.digest })
  }
  return { imageIds: imageIdsDeleted, failures }
}

/** UpdateImageStorageClass: ARCHIVE archives an active image; STANDARD starts a restore. */
export const updateImageStorageClass: Operation = (context) => {
  const repository = targetRepository(context)
  const target = context.body.targetStorageClass
  checkEnum('targetStorageClass', target, ['STANDARD', 'ARCHIVE'])
  if (target === undefined) throw invalidMember('targetStorageClass', 'Member must not be null')
  const id = context.body.imageId as Parameters<typeof resolveImage>[1]
  const image = resolveImage(repository, id)
  const status = statusOf(image)
  if (target === 'ARCHIVE') {
    // Assumed: archiving what is being restored is refused, as is archiving an index's child.
    const parent = [...repository.images.values()].some((other) =>
      other.childDigests.includes(image.digest)
    )
    if (status === 'ACTIVATING' || parent)
      throw new ServiceError(
        'ImageStorageClassUpdateNotSupportedException',
        `The image ${image.digest} cannot be archived now`
      )
    image.artifactStatus = 'ARCHIVED'
  } else startRestore(image, context.settings.restoreMs)
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    imageId: { imageDigest: image.digest },
    imageStatus: statusOf(image)
  }
}

/** GetLifecyclePolicy: the policy as stored, or LifecyclePolicyNotFoundException. */
export const getLifecyclePolicy: Operation = (context) => {
  const repository = targetRepository(context)
  if (repository.lifecyclePolicy === undefined)
    throw new ServiceError(
      'LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    lifecyclePolicyText: repository.lifecyclePolicy,
    lastEvaluatedAt: Date.now() / 1000
  }
}

/** PutLifecyclePolicy: stores the policy's text (its rules are ECR's to run, not the emulator's). */
export const putLifecyclePolicy: Operation = (context) => {
  const repository = targetRepository(context)
  const text = requireString(context.body, 'lifecyclePolicyText')
  try {
    JSON.parse(text)
  } catch {
    throw new ServiceError(
      'InvalidParameterException',
      'Invalid parameter: lifecyclePolicyText is not JSON'
    )
  }
  repository.lifecyclePolicy = text
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    lifecyclePolicyText: text
  }
}
