// The promotion pipeline: resolve -> plan -> apply, with results as values. The plan is pure data
// (plan.ts), every tag outcome is decided in outcomes.ts, and report.ts turns a result into the
// record the faces print. It may import src/copy, src/registry and src/oci, never a face.
import {
  applyCopy,
  bytesToCopy,
  formatBytes,
  isComplete,
  manifestWrites,
  missingBlobs,
  surveyCopy,
  type CopyOptions,
  type CopyPlan
} from '../copy/index.js'
import { describeRepository, isSameRepository } from '../oci/index.js'
import type { Registry } from '../registry/index.js'
import { applyPlan } from './apply.js'
import type { Log } from './log.js'
import { dryRunOutcome, notWritten } from './outcomes.js'
import { planTags, refusalsOf, writesOf, type Plan, type TagPlan } from './plan.js'
import { resolveSource, type Resolution } from './resolve.js'
import type { PromotionRequest, PromotionResult } from './types.js'

export type { AnnotationProperties, Log } from './log.js'
export { SUCCESS_STATUSES, type TagOutcome, type TagStatus } from './outcomes.js'
export type { SourceImage } from './resolve.js'
export * from './report.js'
export type { PromotionRequest, PromotionResult } from './types.js'

export interface Dependencies {
  registry: Registry
  log: Log
  copy?: CopyOptions
}

function describeTagPlan(tag: TagPlan, digest: string): string {
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

/** Resolve, and for another repository survey what it lacks: reads only. */
async function resolveAll(
  request: PromotionRequest,
  { registry, log }: Dependencies
): Promise<Resolution & { copy?: CopyPlan }> {
  const sameRepository = isSameRepository(request.source, request.target)
  const title = sameRepository
    ? describeRepository(request.source)
    : `${describeRepository(request.source)} -> ${describeRepository(request.target)}`
  return log.group(`Resolve ${title}`, async () => {
    const resolution = await resolveSource(registry, request)
    const { source } = resolution
    log.info(
      `Source: ${describeRepository(source.repository)} ${request.sourceTag ? `${request.sourceTag} ` : ''}-> ${source.digest}`
    )
    log.info(
      `Media type: ${source.mediaType} (${source.info.kind}, ${Buffer.byteLength(source.manifest)} bytes, digest verified)`
    )
    if (sameRepository) return resolution
    const copy = await surveyCopy(registry, {
      source,
      target: resolution.target,
      rootPresent: [...resolution.currentTags.values()].includes(source.digest),
      copyReferrers: request.copyReferrers
    })
    if (copy.referrersUnlisted)
      log.info('Referrers: not copied; ECR Public has no API that lists them')
    return { ...resolution, copy }
  })
}

/** Copies what the target lacks; on failure, the tags are left unwritten and the reason kept. */
async function copyFirst(
  plan: Plan & { copy: CopyPlan },
  { registry, log, copy: options }: Dependencies
): Promise<NonNullable<PromotionResult['copy']>> {
  if (isComplete(plan.copy)) return { plan: plan.copy }
  try {
    const stats = await log.group(`Copy into ${describeRepository(plan.target)}`, () =>
      applyCopy(registry, plan.copy, plan.source.repository, plan.target, log, options)
    )
    return { plan: plan.copy, stats }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    log.error(message, { title: 'Copy failed' })
    return { plan: plan.copy, error: message }
  }
}

/** inputs -> resolve -> plan -> apply. Throws before any write when the promotion cannot start. */
export async function promote(
  request: PromotionRequest,
  dependencies: Dependencies
): Promise<PromotionResult> {
  const { registry, log } = dependencies
  const { source, target, currentTags, copy } = await resolveAll(request, dependencies)
  const plan: Plan = {
    source,
    target,
    tags: planTags(source.digest, currentTags, request.tags, request.protectTags),
    ...(copy && { copy }),
    dryRun: request.dryRun
  }
  await log.group(
    `Plan: ${writesOf(plan).length} of ${plan.tags.length} tag(s) to write`,
    async () => {
      if (plan.copy) for (const line of describeCopy(plan.copy)) log.info(line)
      for (const tag of plan.tags) log.info(describeTagPlan(tag, source.digest))
    }
  )
  const result = { source, target, dryRun: plan.dryRun }
  const copyPlan = plan.copy && { plan: plan.copy }

  if (plan.dryRun) {
    log.info('Dry run: nothing was written.')
    return { ...result, tags: plan.tags.map(dryRunOutcome), ...(copyPlan && { copy: copyPlan }) }
  }
  if (refusalsOf(plan).length > 0) {
    return {
      ...result,
      tags: plan.tags.map((tag) => notWritten(tag, 'a protected tag refused the promotion.')),
      ...(copyPlan && { copy: copyPlan })
    }
  }
  const copied = plan.copy && (await copyFirst({ ...plan, copy: plan.copy }, dependencies))
  if (copied?.error !== undefined) {
    return {
      ...result,
      tags: plan.tags.map((tag) =>
        notWritten(tag, 'copying the image into the target failed; rerun to resume.')
      ),
      copy: copied
    }
  }
  const tags = await log.group(`Apply: ${writesOf(plan).length} write(s)`, () =>
    applyPlan(registry, plan, log)
  )
  return { ...result, tags, ...(copied && { copy: copied }) }
}
