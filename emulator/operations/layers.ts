import { createHash, randomUUID } from 'node:crypto'
import type { Operation } from '../context.js'
import { ServiceError, invalidMember } from '../errors.js'
import type { Repository, Upload } from '../store.js'
import { DIGEST, requireList, requireString } from '../validation.js'
import { targetRepository } from './images.js'

export const batchCheckLayerAvailability: Operation = (context) => {
  const repository = targetRepository(context)
  const digests = requireList(context.body, 'layerDigests', 1, 100)
  const layers: unknown[] = []
  const failures: unknown[] = []
  for (const digest of digests) {
    if (typeof digest !== 'string' || digest === '') {
      failures.push({
        layerDigest: digest ?? null,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Missing layer digest'
      })
    } else if (!DIGEST.test(digest)) {
      failures.push({
        layerDigest: digest,
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest'
      })
    } else {
      const blob = repository.blobs.get(digest)
      if (blob)
        layers.push({ layerDigest: digest, layerAvailability: 'AVAILABLE', layerSize: blob.size })
      else
        failures.push({
          layerDigest: digest,
          failureCode: 'MissingLayerDigest',
          failureReason: 'Could not find layer'
        })
    }
  }
  return { layers, failures }
}

export const initiateLayerUpload: Operation = (context) => {
  const repository = targetRepository(context)
  const upload: Upload = { id: randomUUID(), hash: createHash('sha256'), chunks: [], received: 0 }
  repository.uploads.set(upload.id, upload)
  return { uploadId: upload.id, partSize: context.settings.partSize }
}

function findUpload(repository: Repository, uploadId: string): Upload {
  const upload = repository.uploads.get(uploadId)
  if (!upload) {
    throw new ServiceError(
      'UploadNotFoundException',
      `The upload with id '${uploadId}' does not exist in the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  }
  return upload
}

export const uploadLayerPart: Operation = (context) => {
  const repository = targetRepository(context)
  const { body } = context
  const upload = findUpload(repository, requireString(body, 'uploadId'))
  const first = body.partFirstByte
  const last = body.partLastByte
  if (typeof first !== 'number') throw invalidMember('partFirstByte', 'Member must not be null')
  if (typeof last !== 'number') throw invalidMember('partLastByte', 'Member must not be null')
  const bytes = Buffer.from(requireString(body, 'layerPartBlob'), 'base64')
  const lastValid = upload.received - 1
  if (first !== upload.received || last < first || last - first + 1 !== bytes.length) {
    throw new ServiceError(
      'InvalidLayerPartException',
      `The layer part is not valid: expected a part starting at byte ${upload.received}, got bytes ${first}-${last} with ${bytes.length} bytes`,
      400,
      {
        registryId: repository.registryId,
        repositoryName: repository.name,
        uploadId: upload.id,
        lastValidByteReceived: lastValid
      }
    )
  }
  // A part under the minimum is fine only as the last one: it is refused once another follows it.
  if (upload.lastPartSize !== undefined && upload.lastPartSize < context.settings.minPartSize) {
    throw new ServiceError(
      'LayerPartTooSmallException',
      `Layer part size must be at least ${context.settings.minPartSize} bytes, except for the last part`
    )
  }
  upload.hash.update(bytes)
  upload.chunks.push(bytes)
  upload.received += bytes.length
  upload.lastPartSize = bytes.length
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    uploadId: upload.id,
    lastByteReceived: upload.received - 1
  }
}

export const completeLayerUpload: Operation = (context) => {
  const repository = targetRepository(context)
  const upload = findUpload(repository, requireString(context.body, 'uploadId'))
  // The model allows up to 100 digests; ECR takes the one the upload is for.
  const [digest, ...others] = requireList(context.body, 'layerDigests', 1, 100)
  if (typeof digest !== 'string' || others.length > 0)
    throw invalidMember('layerDigests', 'Member must have length less than or equal to 1')
  if (!DIGEST.test(digest))
    throw new ServiceError('InvalidLayerException', `Invalid layer digest ${digest}`)
  if (upload.received === 0) {
    throw new ServiceError(
      'EmptyUploadException',
      `The upload with id '${upload.id}' has no layer parts`
    )
  }
  const computed = 'sha256:' + upload.hash.copy().digest('hex')
  if (computed !== digest) {
    repository.uploads.delete(upload.id)
    throw new ServiceError(
      'InvalidLayerException',
      `The layer digest ${digest} does not match the uploaded content, whose digest is ${computed}`
    )
  }
  repository.uploads.delete(upload.id)
  if (repository.blobs.has(digest)) {
    throw new ServiceError(
      'LayerAlreadyExistsException',
      `The layer with digest '${digest}' already exists in the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  }
  repository.blobs.set(digest, { digest, size: upload.received, chunks: upload.chunks })
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    uploadId: upload.id,
    layerDigest: digest
  }
}

export const getDownloadUrlForLayer: Operation = (context) => {
  const repository = targetRepository(context)
  const digest = requireString(context.body, 'layerDigest')
  if (!DIGEST.test(digest))
    throw invalidMember(
      'layerDigest',
      'Member must satisfy regular expression pattern: [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'
    )
  if (!repository.blobs.has(digest)) {
    throw new ServiceError(
      'LayersNotFoundException',
      `The layer with digest '${digest}' does not exist in the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  }
  const referenced = [...repository.images.values()].some((image) =>
    image.blobDigests.includes(digest)
  )
  if (!referenced) {
    throw new ServiceError(
      'LayerInaccessibleException',
      'The specified layer is not available because it is not associated with an image. Unassociated image layers may be cleaned up at any time.'
    )
  }
  return {
    downloadUrl: context.blobUrl(repository.registryId, repository.region, repository.name, digest),
    layerDigest: digest
  }
}
