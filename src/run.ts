import { applyPlan, type TagOutcome } from './apply.js'
import type { EcrApi } from './ecr.js'
import type { PromoteInputs } from './inputs.js'
import { planTags, writesOf, type Plan, type TagPlan } from './plan.js'
import { resolveSource, type SourceImage } from './resolve.js'
import type { Log } from './runner.js'

export interface Dependencies {
  ecr: EcrApi
  log: Log
}

export interface PromotionResult {
  source: SourceImage
  dryRun: boolean
  tags: TagOutcome[]
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

/** inputs -> resolve -> plan -> apply. Throws before any write when the promotion cannot start. */
export async function run(
  inputs: PromoteInputs,
  { ecr, log }: Dependencies
): Promise<PromotionResult> {
  const { repository } = inputs
  const { source, currentTags } = await log.group(`Resolve ${repository.name}`, async () => {
    const resolution = await resolveSource(ecr, {
      repository,
      tags: inputs.tags,
      ...(inputs.sourceTag !== undefined && { sourceTag: inputs.sourceTag }),
      ...(inputs.sourceDigest !== undefined && { sourceDigest: inputs.sourceDigest }),
      ...(inputs.expectedDigest !== undefined && { expectedDigest: inputs.expectedDigest })
    })
    const { source } = resolution
    log.info(
      `Source: ${source.repository.registryId}/${source.repository.name} ${inputs.sourceTag ?? ''}${inputs.sourceTag ? ' ' : ''}-> ${source.digest}`
    )
    log.info(
      `Media type: ${source.mediaType} (${source.info.kind}, ${Buffer.byteLength(source.manifest)} bytes, digest verified)`
    )
    return resolution
  })

  const plan: Plan = {
    source,
    tags: planTags(source.digest, currentTags, inputs.tags, inputs.protectTags),
    dryRun: inputs.dryRun
  }
  await log.group(
    `Plan: ${writesOf(plan).length} of ${plan.tags.length} tag(s) to write`,
    async () => {
      for (const tag of plan.tags) log.info(describePlan(tag, source.digest))
    }
  )

  if (plan.dryRun) {
    log.info('Dry run: nothing was written.')
    return { source, dryRun: true, tags: await applyPlan(ecr, plan, log) }
  }
  const tags = await log.group(`Apply: ${writesOf(plan).length} write(s)`, () =>
    applyPlan(ecr, plan, log)
  )
  return { source, dryRun: false, tags }
}
