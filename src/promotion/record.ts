// A promotion record others can sign: an in-toto predicate saying what was promoted where, under
// which guards and gates, from which run. It is the predicate alone, as actions/attest and cosign
// attest take one: they make the statement around it for the image's digest, sign it, and push
// the attestation next to the image, so the registry itself answers "who promoted this digest,
// from which run".
import type { GateVerdict } from './gates/index.js'
import {
  writtenRepository,
  type PromotionReport,
  type WrittenRepository,
  type Provenance,
  type ReleaseReport
} from './report.js'
import type { RollbackOf } from './types.js'

/** The predicate's type: versioned, and documented in docs/record.md. */
export const PREDICATE_TYPE = 'urn:ecr-promote:promotion:v1'

/** The predicate: what one run promoted, where, under which guards and gates, from which run. */
export interface PromotionRecord {
  tool: { name: 'ecr-promote'; version: string }
  promotedAt: string
  status: string
  dryRun: boolean
  guards: { protectTags: string[]; expectedDigests: Record<string, string> }
  images: Array<{
    name: string
    source?: WrittenRepository
    target: WrittenRepository
    /** REGISTRY/REPOSITORY@DIGEST in the target: what an attestation of this image names. */
    image?: string
    digest?: string
    mediaType?: string
    /** previousDigest: null when the tag did not exist; absent when the run never read it. */
    tags: Array<{
      tag: string
      status: string
      previousDigest?: string | null
      /** Where it points after the run when that is neither `digest` nor `previousDigest`. */
      digestAfter?: string | null
    }>
    /** The gates the image was held to, and what each found. */
    gates?: GateVerdict[]
    /** For an image copied from another repository: how its blobs reached the target. */
    copy?: {
      blobsCopied: number
      bytesCopied: number
      blobsMounted: number
      bytesMounted: number
      blobsSkipped: number
      manifestsWritten: number
    }
    /** The target repository did not exist and this run created it. */
    repositoryCreated?: true
  }>
  provenance?: Provenance
  /** Set on the record of a rollback: the run it undid, as that run's record named it. */
  rollbackOf?: RollbackOf
}

export interface RecordContext {
  version: string
  now: Date
  protectTags: string[]
  /** The expected digest each image was guarded by, by image name. */
  expectedDigests: Record<string, string>
  provenance?: Provenance
}

/** The record of a run, single image or release. */
export function buildRecord(
  report: PromotionReport | ReleaseReport,
  context: RecordContext
): PromotionRecord {
  const images = 'images' in report ? report.images : [report]
  return {
    tool: { name: 'ecr-promote', version: context.version },
    promotedAt: context.now.toISOString(),
    status: report.status,
    dryRun: report.dryRun,
    guards: { protectTags: context.protectTags, expectedDigests: context.expectedDigests },
    images: images.map((image) => ({
      name: image.name,
      ...(image.source && { source: writtenRepository(image.source) }),
      target: writtenRepository(image.target),
      ...(image.image !== undefined && { image: image.image }),
      ...(image.digest !== undefined && { digest: image.digest, mediaType: image.mediaType! }),
      tags: image.tags.map(({ tag, status, previousDigest, digestAfter }) => ({
        tag,
        status,
        ...(previousDigest !== undefined && { previousDigest }),
        ...(digestAfter !== undefined && { digestAfter })
      })),
      ...(image.gates && { gates: image.gates }),
      ...(image.copy && {
        copy: {
          blobsCopied: image.copy.blobsCopied,
          bytesCopied: image.copy.bytesCopied,
          blobsMounted: image.copy.blobsMounted,
          bytesMounted: image.copy.bytesMounted,
          blobsSkipped: image.copy.blobsSkipped,
          manifestsWritten: image.copy.manifestsWritten
        }
      }),
      ...(image.newRepository?.created && { repositoryCreated: true as const })
    })),
    ...(context.provenance && { provenance: context.provenance }),
    ...(report.rollbackOf && { rollbackOf: report.rollbackOf })
  }
}
