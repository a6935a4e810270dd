import { createHash } from 'node:crypto'
import { invalidParameter } from './errors.js'

export const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
])
export const SCHEMA1_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws'
])
export const IMAGE_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json'
])

export function sha256(data: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex')
}

interface Descriptor {
  digest?: unknown
  mediaType?: unknown
  urls?: unknown
}

export interface ParsedManifest {
  mediaType: string
  artifactType?: string
  annotations?: Record<string, string>
  blobDigests: string[]
  childDigests: string[]
  subject?: string
}

const isForeign = (descriptor: Descriptor): boolean =>
  (Array.isArray(descriptor.urls) && descriptor.urls.length > 0) ||
  (typeof descriptor.mediaType === 'string' &&
    /foreign|nondistributable/.test(descriptor.mediaType))

const digests = (list: unknown): string[] =>
  Array.isArray(list)
    ? list
        .filter((d: Descriptor) => typeof d?.digest === 'string' && !isForeign(d))
        .map((d: Descriptor) => d.digest as string)
    : []

/**
 * Reads a pushed manifest the way ECR does: it must be JSON; its type is `imageManifestMediaType`
 * or its own `mediaType`, and a manifest with neither is not accepted.
 */
export function parseManifest(text: string, declaredType: string | undefined): ParsedManifest {
  let json: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    json = parsed as Record<string, unknown>
  } catch {
    throw invalidParameter(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
    )
  }
  const own = typeof json.mediaType === 'string' ? json.mediaType : undefined
  if (declaredType && own && declaredType !== own) {
    throw invalidParameter(
      `Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'the media type ${declaredType} does not match the manifest's mediaType ${own}'`
    )
  }
  const mediaType = declaredType ?? own
  if (!mediaType) {
    // ECR then reads the manifest as Docker schema 1 and fails to.
    throw invalidParameter(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
    )
  }
  if (!INDEX_TYPES.has(mediaType) && !IMAGE_TYPES.has(mediaType) && !SCHEMA1_TYPES.has(mediaType)) {
    throw invalidParameter(
      `Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'Unsupported media type ${mediaType}'`
    )
  }
  const subject = (json.subject as Descriptor | undefined)?.digest
  const artifactType =
    typeof json.artifactType === 'string'
      ? json.artifactType
      : typeof (json.config as Descriptor | undefined)?.mediaType === 'string'
        ? ((json.config as Descriptor).mediaType as string)
        : undefined
  const annotations =
    typeof json.annotations === 'object' && json.annotations !== null
      ? Object.fromEntries(
          Object.entries(json.annotations).filter(([, value]) => typeof value === 'string')
        )
      : undefined
  const common = {
    mediaType,
    ...(typeof subject === 'string' && { subject }),
    ...(artifactType && { artifactType }),
    ...(annotations && Object.keys(annotations).length > 0 && { annotations })
  }
  if (INDEX_TYPES.has(mediaType))
    return { ...common, blobDigests: [], childDigests: digests(json.manifests) }
  if (SCHEMA1_TYPES.has(mediaType)) {
    const layers = Array.isArray(json.fsLayers)
      ? json.fsLayers.map((l: { blobSum?: unknown }) => ({ digest: l?.blobSum }))
      : []
    return { ...common, blobDigests: [...new Set(digests(layers))], childDigests: [] }
  }
  return {
    ...common,
    blobDigests: [...new Set([...digests([json.config]), ...digests(json.layers)])],
    childDigests: []
  }
}

/** A registry's digest of a manifest: its bytes, or for signed schema 1 the payload without signatures. */
export function manifestDigest(text: string, mediaType: string): string {
  const bytes = Buffer.from(text, 'utf8')
  if (SCHEMA1_TYPES.has(mediaType)) {
    try {
      const header = (JSON.parse(text) as { signatures?: Array<{ protected?: string }> })
        .signatures?.[0]?.protected
      if (header) {
        const { formatLength, formatTail } = JSON.parse(
          Buffer.from(header, 'base64url').toString('utf8')
        ) as {
          formatLength: number
          formatTail: string
        }
        return sha256(
          Buffer.concat([bytes.subarray(0, formatLength), Buffer.from(formatTail, 'base64url')])
        )
      }
    } catch {
      // Not signed after all: the bytes are the payload.
    }
  }
  return sha256(bytes)
}
