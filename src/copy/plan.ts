// What a promotion into another repository must copy, as pure data: built from what the source
// holds and what the target already has (read by survey.ts), carried out by index.ts.
import type { Descriptor, ManifestNode } from '../oci/index.js'

export type ManifestRole = 'child' | 'root' | 'referrer'

/** A manifest the survey found, and how far it is from the promoted one. */
export interface SurveyedManifest extends ManifestNode {
  role: ManifestRole
  /** Levels below the root (a child of a child is 2), or above it (a signature of a signature). */
  level: number
}

export interface ManifestCopy extends SurveyedManifest {
  present: boolean
}

export interface BlobCopy {
  digest: string
  /** Size from the manifest that refers to it, when it says. */
  size?: number
  present: boolean
}

export interface CopyPlan {
  /** Every manifest involved, in write order (see writeWaves); the root is written with the tags. */
  manifests: ManifestCopy[]
  blobs: BlobCopy[]
  /** Referrers found for the promoted digest, copied or not. */
  referrers: number
  /** Why none were looked for: the source's registry cannot list referrers, in its words. */
  referrersUnlisted?: string
  /** Referrers in the archive storage class (or being restored): not read, and not in the plan. */
  inactiveReferrers?: Array<{ digest: string; status: string }>
}

const NON_DISTRIBUTABLE = /(?:foreign|nondistributable)/

/** Blobs a manifest needs in its repository. Foreign layers live elsewhere and are never pushed. */
export function blobsOf(node: ManifestNode): Descriptor[] {
  return node.info.blobs.filter(
    (blob) => !blob.urls?.length && !NON_DISTRIBUTABLE.test(blob.mediaType ?? '')
  )
}

/**
 * A registry refuses a manifest whose references it does not hold, so the deepest children go
 * first, then the root, then the referrers that name it as their subject, level by level.
 */
function writeRank(node: SurveyedManifest): number {
  if (node.role === 'child') return -node.level
  return node.role === 'root' ? 0 : node.level
}

/**
 * Which blobs and manifests to copy: those of every manifest the target lacks, once each. A
 * manifest the target has brings everything it refers to (ECR checked that when it was pushed).
 */
export function planCopy(
  manifests: SurveyedManifest[],
  presentManifests: ReadonlySet<string>,
  blobSizes: ReadonlyMap<string, number>
): CopyPlan {
  const seen = new Set<string>()
  const copies: ManifestCopy[] = []
  for (const node of [...manifests].sort((a, b) => writeRank(a) - writeRank(b))) {
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

/** The manifest writes grouped so that each group may go at once, after the groups before it. */
export function writeWaves(plan: CopyPlan): ManifestCopy[][] {
  const waves = new Map<number, ManifestCopy[]>()
  for (const node of manifestWrites(plan)) {
    const rank = writeRank(node)
    waves.set(rank, [...(waves.get(rank) ?? []), node])
  }
  return [...waves.entries()].sort(([a], [b]) => a - b).map(([, nodes]) => nodes)
}

export function bytesToCopy(plan: CopyPlan): number {
  return missingBlobs(plan).reduce((total, blob) => total + (blob.size ?? 0), 0)
}

/** Nothing to copy: every blob and manifest the tags need is already in the target. */
export function isComplete(plan: CopyPlan): boolean {
  return missingBlobs(plan).length === 0 && manifestWrites(plan).length === 0
}
