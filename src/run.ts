import { applyPlan, type TagOutcome } from './apply.js'
import { applyCopy, formatBytes, type CopyOptions, type CopyStats } from './copy.js'
import { bytesToCopy, manifestWrites, missingBlobs, type CopyPlan } from './copy-plan.js'
import type { EcrApi } from './ecr.js'
import { describeWhere } from './references.js'
import { isSameRepository, type PromoteInputs, type SettledRepository } from './inputs.js'
import { planTags, refusalsOf, writesOf, type Plan, type TagPlan } from './plan.js'
import { resolveSource, type SourceImage } from './resolve.js'
import type { Log } from './runner.js'
import { surveyCopy } from './survey.js'

export interface Dependencies {
  ecr: EcrApi
  log: Log
  copy?: CopyOptions
}

export interface PromotionResult {
  source: SourceImage
  target: SettledRepository
  dryRun: boolean
  tags: TagOutcome[]
  /** For a promotion into another repository: what had to be copied, and what was. */
  copy?: { plan: CopyPlan; stats?: CopyStats; error?: string }
}

function describePlan(tag: TagPlan, digest: string): string {
  switch (tag.action) {
    case 'keep':
      return `${tag.tag}: already at ${digest}, nothing to do`
    case 'create':
      return `${tag.tag}: new tag -> ${digest}`
    case 'move':
      return `${tag.tag}: move ${tag.previousDigest} -> ${digest}`
    case 'refuse':
      return `${tag.tag}: REFUSED, protected by "${tag.protectedBy}" and at ${tag.previousDigest}`
  }
}

function describeCopy(copy: CopyPlan): string[] {
  const missing = missingBlobs(copy)
  const manifests = manifestWrites(copy)
  return [
    `Blobs: ${missing.length} to copy (${formatBytes(bytesToCopy(copy))}), ${copy.blobs.length - missing.length} already in the target`,
    `Manifests by digest: ${manifests.length} to write${copy.referrers > 0 ? `, referrers found: ${copy.referrers}` : ''}`
  ]
}

const where = describeWhere

/** The tags a failed copy leaves unwritten. */
function notWritten(plan: Plan, reason: string): TagOutcome[] {
  return plan.tags.map((tag) =>
    tag.action === 'keep'
      ? { tag: tag.tag, status: 'unchanged', previousDigest: tag.previousDigest }
      : {
          tag: tag.tag,
          status: 'skipped',
          previousDigest: tag.previousDigest,
          message: `Not written: ${reason}`
        }
  )
}

/** inputs -> resolve -> plan -> apply. Throws before any write when the promotion cannot start. */
export async function run(
  inputs: PromoteInputs,
  { ecr, log, copy: copyOptions }: Dependencies
): Promise<PromotionResult> {
  const sameRepository = isSameRepository(inputs.source, inputs.target)
  const title = sameRepository
    ? inputs.source.name
    : `${where(inputs.source)} -> ${where(inputs.target)}`
  const { source, target, currentTags, copy } = await log.group(`Resolve ${title}`, async () => {
    const resolution = await resolveSource(ecr, {
      source: inputs.source,
      target: inputs.target,
      tags: inputs.tags,
      ...(inputs.sourceTag !== undefined && { sourceTag: inputs.sourceTag }),
      ...(inputs.sourceDigest !== undefined && { sourceDigest: inputs.sourceDigest }),
      ...(inputs.expectedDigest !== undefined && { expectedDigest: inputs.expectedDigest })
    })
    const { source } = resolution
    log.info(
      `Source: ${where(source.repository)} ${inputs.sourceTag ? `${inputs.sourceTag} ` : ''}-> ${source.digest}`
    )
    log.info(
      `Media type: ${source.mediaType} (${source.info.kind}, ${Buffer.byteLength(source.manifest)} bytes, digest verified)`
    )
    if (sameRepository) return { ...resolution, copy: undefined }
    const rootPresent = [...resolution.currentTags.values()].includes(source.digest)
    const fromPublic = source.repository.publicAlias !== undefined
    if (inputs.copyReferrers && fromPublic)
      log.info('Referrers: not copied; ECR Public has no API that lists them')
    const copy = await surveyCopy(ecr, {
      source,
      target: resolution.target,
      rootPresent,
      copyReferrers: inputs.copyReferrers && !fromPublic
    })
    return { ...resolution, copy }
  })

  const plan: Plan = {
    source,
    target,
    tags: planTags(source.digest, currentTags, inputs.tags, inputs.protectTags),
    ...(copy && { copy }),
    dryRun: inputs.dryRun
  }
  await log.group(
    `Plan: ${writesOf(plan).length} of ${plan.tags.length} tag(s) to write`,
    async () => {
      if (plan.copy) for (const line of describeCopy(plan.copy)) log.info(line)
      for (const tag of plan.tags) log.info(describePlan(tag, source.digest))
    }
  )
  const result = { source, target, dryRun: plan.dryRun }

  if (plan.dryRun) {
    log.info('Dry run: nothing was written.')
    return {
      ...result,
      tags: await applyPlan(ecr, plan, log),
      ...(copy && { copy: { plan: copy } })
    }
  }
  let copied: PromotionResult['copy'] = plan.copy && { plan: plan.copy }
  if (plan.copy && refusalsOf(plan).length === 0) {
    const copyPlan = plan.copy
    const needed = missingBlobs(copyPlan).length + manifestWrites(copyPlan).length
    try {
      const stats =
        needed === 0
          ? undefined
          : await log.group(`Copy into ${where(target)}`, () =>
              applyCopy(ecr, copyPlan, source.repository, target, log, copyOptions)
            )
      copied = { plan: copyPlan, ...(stats && { stats }) }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log.error(message, { title: 'Copy failed' })
      return {
        ...result,
        tags: notWritten(plan, 'copying the image into the target failed; rerun to resume.'),
        copy: { plan: copyPlan, error: message }
      }
    }
  }
  const tags =
    refusalsOf(plan).length > 0
      ? await applyPlan(ecr, plan, log)
      : await log.group(`Apply: ${writesOf(plan).length} write(s)`, () => applyPlan(ecr, plan, log))
  return { ...result, tags, ...(copied && { copy: copied }) }
}
