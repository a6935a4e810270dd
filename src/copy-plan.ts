// What a promotion into another repository must copy, as pure data: built from what the source
// holds and what the target already has, read by survey.ts; executed by copy.ts.
import type { ManifestNode } from './graph.js'
import type { Descriptor } from './manifest.js'

export type ManifestRole = 'child' | 'root' | 'referrer'

export interface ManifestCopy extends ManifestNode {
  role: ManifestRole
  /** Write order: every manifest is written after those it refers to (lower stages first). */
  stage: number
  present: boolean
}

export interface BlobCopy {
  digest: string
  /** Size from the manifest that refers to it, when it says. */
  size?: number
  present: boolean
}

export interface CopyPlan {
  /** Manifests written by digest, without a tag, in stage order. The root is written with the tags. */
  manifests: ManifestCopy[]
  blobs: BlobCopy[]
  /** Referrers found for the promoted digest, copied or not. */
  referrers: number
}

const NON_DISTRIBUTABLE = /(?:foreign|nondistributable)/

/** Blobs a manifest needs in its repository. Foreign layers live elsewhere and are never pushed. */
export function blobsOf(node: ManifestNode): Descriptor[] {
  return node.info.blobs.filter(
    (blob) => !blob.urls?.length && !NON_DISTRIBUTABLE.test(blob.mediaType ?? '')
  )
}

/**
 * Which blobs and manifests to copy: those of every manifest the target lacks, once each. A
 * manifest the target has brings everything it refers to (ECR checked that when it was pushed).
 */
export function planCopy(
  manifests: Array<ManifestNode & { role: ManifestRole; stage: number }>,
  presentManifests: ReadonlySet<string>,
  blobSizes: ReadonlyMap<string, number>
): CopyPlan {
  const seen = new Set<string>()
  const copies: ManifestCopy[] = []
  for (const node of [...manifests].sort((a, b) => a.stage - b.stage)) {
    if (seen.has(node.digest)) continue
    seen.add(node.digest)
    copies.push({ ...node, present: presentManifests.has(node.digest) })
  }
  const blobs = new Map<string, BlobCopy>()
  for (const node of copies) {
    if (node.present) continue
    for (const blob of blobsOf(node)) {
      if (blobs.has(blob.digest)) continue
      blobs.set(blob.digest, {
        digest: blob.digest,
        ...(blob.size !== undefined && { size: blob.size }),
        present: blobSizes.has(blob.digest)
      })
    }
  }
  return {
    manifests: copies,
    blobs: [...blobs.values()],
    referrers: copies.filter((node) => node.role === 'referrer').length
  }
}

export function missingBlobs(plan: CopyPlan): BlobCopy[] {
  return plan.blobs.filter((blob) => !blob.present)
}

/** Manifests to write by digest before the tags: missing children and referrers, and the root when referrers need it. */
export function manifestWrites(plan: CopyPlan): ManifestCopy[] {
  const referrersMissing = plan.manifests.some((node) => node.role === 'referrer' && !node.present)
  return plan.manifests.filter(
    (node) => !node.present && (node.role !== 'root' || referrersMissing)
  )
}

export function bytesToCopy(plan: CopyPlan): number {
  return missingBlobs(plan).reduce((total, blob) => total + (blob.size ?? 0), 0)
}
