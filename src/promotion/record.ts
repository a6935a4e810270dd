// A promotion record others can sign: an in-toto Statement whose subjects are the promoted images
// and whose predicate says what was promoted where, under which guards, from which run. actions/attest
// signs it and pushes the attestation next to the image, so the registry itself answers "who
// promoted this digest, from which run".
import type { PromotionReport, Provenance, ReleaseReport } from './report.js'

/** The predicate's type: versioned, and documented in docs/record.md. */
export const PREDICATE_TYPE = 'urn:ecr-promote:promotion:v1'

export interface PromotionRecord {
  _type: 'https://in-toto.io/Statement/v1'
  subject: Array<{ name: string; digest: { sha256: string } }>
  predicateType: typeof PREDICATE_TYPE
  predicate: {
    tool: { name: 'ecr-promote'; version: string }
    promotedAt: string
    status: string
    dryRun: boolean
    guards: { protectTags: string[]; expectedDigests: Record<string, string> }
    images: Array<{
      name: string
      source?: PromotionReport['source']
      target: { repository: string; registryId?: string; region: string; publicAlias?: string }
      digest?: string
      mediaType?: string
      tags: Array<{ tag: string; status: string; previousDigest: string | null }>
    }>
    provenance?: Provenance
  }
}

export interface RecordContext {
  version: string
  now: Date
  protectTags: string[]
  /** The expected digest each image was guarded by, by image name. */
  expectedDigests: Record<string, string>
  provenance?: Provenance
}

/** The record of a run, single image or release; subjects are the images now in their targets. */
export function buildRecord(
  report: PromotionReport | ReleaseReport,
  context: RecordContext
): PromotionRecord {
  const images = 'images' in report ? report.images : [report]
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: images
      .filter((image) => image.image !== undefined && image.digest !== undefined)
      .map((image) => ({
        name: image.image!.slice(0, image.image!.lastIndexOf('@')),
        digest: { sha256: image.digest!.slice('sha256:'.length) }
      })),
    predicateType: PREDICATE_TYPE,
    predicate: {
      tool: { name: 'ecr-promote', version: context.version },
      promotedAt: context.now.toISOString(),
      status: report.status,
      dryRun: report.dryRun,
      guards: { protectTags: context.protectTags, expectedDigests: context.expectedDigests },
      images: images.map((image) => ({
        name: image.name,
        ...(image.source && { source: image.source }),
        target: {
          repository: image.repository,
          ...(image.registryId !== undefined && { registryId: image.registryId }),
          region: image.region,
          ...(image.publicAlias !== undefined && { publicAlias: image.publicAlias })
        },
        ...(image.digest !== undefined && { digest: image.digest, mediaType: image.mediaType! }),
        tags: image.tags.map(({ tag, status, previousDigest }) => ({ tag, status, previousDigest }))
      })),
      ...(context.provenance && { provenance: context.provenance })
    }
  }
}
