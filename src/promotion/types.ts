// What the pipeline takes and gives, as plain data.
import type { CopyPlan, CopyStats } from '../copy/index.js'
import type { RepositoryRef, SettledRepository } from '../oci/index.js'
import type { TagOutcome } from './outcomes.js'
import type { SourceImage } from './resolve.js'

/** What to promote, where, and under which guards: the inputs, validated. */
export interface PromotionRequest {
  /** Where the image is. */
  source: RepositoryRef
  /** Where the new tags go; the source repository unless a target-* input says otherwise. */
  target: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  /** New tags, deduplicated, in the order given. */
  tags: string[]
  expectedDigest?: string
  protectTags: string[]
  dryRun: boolean
  /** Also copy the image's referrers (signatures, SBOMs) when the target is another repository. */
  copyReferrers: boolean
}

export interface PromotionResult {
  source: SourceImage
  target: SettledRepository
  dryRun: boolean
  tags: TagOutcome[]
  /** For a promotion into another repository: what had to be copied, and what was. */
  copy?: { plan: CopyPlan; stats?: CopyStats; error?: string }
}
