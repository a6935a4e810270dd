// What the log says about a plan: one header that matches what the run will do, and a line per
// tag and copy.
import { bytesToCopy, manifestWrites, missingBlobs, type CopyPlan } from '../copy/index.js'
import { describeRepository, formatBytes } from '../oci/index.js'
import type { RepositorySettings } from '../registry/index.js'
import { isPlanned, plannedWrites, planProblems } from './plan.js'
import type { ImageRecord, PlannedImage, TagPlan } from './types.js'

/** A new repository's settings, in words: what it is created with. */
export function settingsText(settings: RepositorySettings): string {
  const { mode, filters } = settings.mutability
  const key = settings.encryption.kmsKey ? ` with key ${settings.encryption.kmsKey}` : ''
  const from = settings.template
    ? `the creation template ${settings.template}'s settings`
    : "the source repository's settings"
  const tags = settings.tags?.length
    ? [`resource tags ${settings.tags.map((tag) => `${tag.key}=${tag.value}`).join(', ')}`]
    : []
  const left = settings.notApplied?.length
    ? `; not applied: ${settings.notApplied.join(' and ')} (apply by hand)`
    : ''
  return `${from}: ${[
    `tag mutability ${mode}${filters.length > 0 ? ` (${filters.join(', ')})` : ''}`,
    `encryption ${settings.encryption.type}${key}`,
    settings.scanOnPush ? 'scan on push' : 'no scan on push',
    ...tags
  ].join(', ')}${left}`
}

function describeTag(tag: TagPlan, digest: string): string {
  switch (tag.action) {
    case 'keep':
      return `${tag.tag}: already at ${digest}, nothing to do`
    case 'create':
      return `${tag.tag}: new tag -> ${digest}`
    case 'move':
      return `${tag.tag}: move ${tag.previousDigest} -> ${digest}`
    case 'refuse':
      return `${tag.tag}: REFUSED, protected by "${tag.protectedBy}" and at ${tag.previousDigest}`
    case 'conflict':
      return `${tag.tag}: CONFLICT, at ${tag.previousDigest} and cannot move (${tag.lockedBy})`
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

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

/** The plan group's title: what the run will do, said before it does it. */
export function planHeader(records: ImageRecord[], dryRun: boolean): string {
  const planned = records.filter(isPlanned)
  const writes = plannedWrites(planned)
  const tags = planned.reduce((total, image) => total + image.plan.length, 0)
  const problems = planProblems(records)
  if (problems.length > 0) {
    // As the report will say: refused when every problem is a guard's or a gate's, failed when a
    // source or target is not there or ECR did not answer.
    const ended = problems.some((problem) => problem.failed) ? 'stopped' : 'refused'
    return `Plan: ${ended} before any write, ${plural(problems.length, 'problem')}`
  }
  const images = records.length > 1 ? ` across ${plural(records.length, 'image')}` : ''
  if (writes === 0)
    return `Plan: nothing to write, ${plural(tags, 'tag')} already in place${images}`
  return `Plan${dryRun ? ' (dry run)' : ''}: ${plural(writes, 'tag')} to write of ${tags}${images}`
}

/** The plan's lines for one image: its copy, then each tag. */
export function describeImagePlan(image: PlannedImage, release: boolean): string[] {
  const lines = [
    ...(image.createTarget
      ? [
          `Repository: does not exist; created before the copy, with ${settingsText(image.createTarget)}`
        ]
      : []),
    ...(image.copy ? describeCopy(image.copy.plan) : []),
    ...image.plan.map((tag) => describeTag(tag, image.source.digest))
  ]
  if (!release) return lines
  return [
    `${image.request.name} -> ${describeRepository(image.target)}`,
    ...lines.map((l) => `  ${l}`)
  ]
}
