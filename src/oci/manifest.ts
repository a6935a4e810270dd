// Manifests as plain data: what a manifest refers to, read without ever re-serializing it, and the
// digest a registry computes for it.
import { sha256Digest } from './digest.js'

/** A manifest that cannot be promoted as it is; the message says which and why. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ManifestError'
  }
}

export const MediaType = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws'
} as const

/**
 * Every manifest kind ECR stores. Asking for all of them means ECR never converts a manifest on the
 * way out, so the bytes we write back are the bytes that were pushed.
 */
export const ACCEPTED_MEDIA_TYPES = [
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerSchema1
]

/** PutImage's limit on `imageManifest`. */
const MAX_MANIFEST_LENGTH = 4_194_304

export interface Descriptor {
  mediaType?: string
  digest: string
  size?: number
  /** For an index's child: the platform it is built for. */
  platform?: { os?: string; architecture?: string; variant?: string }
  /** Non-distributable ("foreign") layers live elsewhere and are never in the registry. */
  urls?: string[]
  /** For an index's child: BuildKit marks an attestation manifest `vnd.docker.reference.type`. */
  annotations?: Record<string, string>
}

export type ManifestKind = 'image' | 'index' | 'schema1'

export interface ManifestInfo {
  kind: ManifestKind
  mediaType: string
  /** Child manifests of an index or manifest list. */
  children: Descriptor[]
  /** Config and layers of an image manifest; schema 1 layers are `fsLayers`. */
  blobs: Descriptor[]
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList
}

function isSchema1(mediaType: string): boolean {
  return mediaType === MediaType.dockerSchema1 || mediaType === MediaType.dockerSchema1Signed
}

function descriptors(value: unknown): Descriptor[] {
  if (!Array.isArray(value)) return []
  return value.filter(
    (item): item is Descriptor =>
      typeof item === 'object' && item !== null && typeof (item as Descriptor).digest === 'string'
  )
}

/**
 * Reads what the promotion needs from a manifest without ever re-serializing it: the text stays the
 * exact string ECR returned, because its bytes are the digest.
 */
export function inspectManifest(
  text: string,
  reportedMediaType: string | undefined,
  what: string
): ManifestInfo {
  if (text.length > MAX_MANIFEST_LENGTH) {
    throw new ManifestError(
      `${what}: the manifest is ${text.length} characters long, over the ${MAX_MANIFEST_LENGTH} that PutImage accepts`
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ManifestError(
      `${what}: the manifest ECR returned is not valid JSON, so it cannot be promoted`
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ManifestError(
      `${what}: the manifest ECR returned is not a JSON object, so it cannot be promoted`
    )
  }
  const manifest = parsed as Record<string, unknown>
  const declared = typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined
  const mediaType = reportedMediaType || declared
  if (!mediaType) {
    throw new ManifestError(
      `${what}: the manifest has no mediaType and ECR reported none, so PutImage could not store it faithfully`
    )
  }
  if (isIndexType(mediaType)) {
    return {
      kind: 'index',
      mediaType,
      children: descriptors(manifest.manifests),
      blobs: []
    }
  }
  if (isSchema1(mediaType)) {
    const layers = Array.isArray(manifest.fsLayers)
      ? (manifest.fsLayers as Array<{ blobSum?: unknown }>)
          .filter((layer) => typeof layer?.blobSum === 'string')
          .map((layer) => ({ digest: layer.blobSum as string }))
      : []
    return { kind: 'schema1', mediaType, children: [], blobs: layers }
  }
  const config = descriptors([manifest.config])
  return {
    kind: 'image',
    mediaType,
    children: [],
    blobs: [...config, ...descriptors(manifest.layers)]
  }
}

/**
 * The digest a registry computes for a manifest: sha256 of its exact bytes, except for signed
 * schema 1 manifests, whose digest covers the payload without the JWS signatures.
 */
export function manifestDigest(text: string, mediaType: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (isSchema1(mediaType)) {
    const payload = schema1Payload(text, bytes)
    if (payload) return sha256Digest(payload)
  }
  return sha256Digest(bytes)
}

function schema1Payload(text: string, bytes: Buffer): Buffer | undefined {
  try {
    const signatures = (JSON.parse(text) as { signatures?: Array<{ protected?: string }> })
      .signatures
    const header = signatures?.[0]?.protected
    if (!header) return undefined
    const { formatLength, formatTail } = JSON.parse(
      Buffer.from(header, 'base64url').toString('utf8')
    ) as {
      formatLength: number
      formatTail: string
    }
    return Buffer.concat([bytes.subarray(0, formatLength), Buffer.from(formatTail, 'base64url')])
  } catch {
    return undefined
  }
}

/** A manifest as stored: the exact string, its verified digest, and what it refers to. */
export interface ManifestNode {
  digest: string
  mediaType: string
  /** Exactly as the registry returned it; its bytes are the digest. */
  manifest: string
  info: ManifestInfo
}

/** Checks that the bytes a registry returned hash to the digest it reported, and reads the manifest. */
export function verifyManifest(
  stored: { digest: string; manifest: string; mediaType?: string },
  what: string
): ManifestNode {
  const info = inspectManifest(stored.manifest, stored.mediaType, what)
  const computed = manifestDigest(stored.manifest, info.mediaType)
  if (computed !== stored.digest) {
    throw new ManifestError(
      `The manifest ECR returned for ${what} hashes to ${computed}, not to the digest ECR reported. Nothing was written; writing it would create a different image.`
    )
  }
  return { digest: stored.digest, mediaType: info.mediaType, manifest: stored.manifest, info }
}
