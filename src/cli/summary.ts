// The end of a run for a person: a table of the tags (where each was, where it is now), what did
// not work and why, and what to do next.
import { describeRepository, formatBytes, shortDigest as shortOf } from '../oci/index.js'
import { digestAfter, settingsText, type PromotionReport } from '../promotion/index.js'
import type { Reports } from '../session/index.js'

/** A digest shortened for the table; a dash for none. */
export function shortDigest(digest: string | null | undefined): string {
  return digest ? shortOf(digest) : '-'
}

/** Columns padded to their widest cell; the last is left as it is. */
export function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  )
}

function tagTable(images: readonly PromotionReport[], release: boolean): string[] {
  const header = [...(release ? ['IMAGE'] : []), 'TAG', 'STATUS', 'BEFORE', 'AFTER']
  const rows = images.flatMap((image) =>
    image.tags.map((tag) => [
      ...(release ? [image.name] : []),
      tag.tag,
      tag.status,
      shortDigest(tag.previousDigest),
      shortDigest(digestAfter(tag, image.digest))
    ])
  )
  return rows.length > 0 ? columns([header, ...rows]) : []
}

/** Why each image or tag that did not make it did not. */
function problems(images: readonly PromotionReport[], release: boolean): string[] {
  return images.flatMap((image) => {
    const prefix = release ? `${image.name}: ` : ''
    // Refused before any write: the plan's problems say why, the tags' notes only repeat it.
    if (image.problems) return image.problems.map((problem) => `${prefix}${problem.message}`)
    const tags = image.problem === undefined ? image.tags : []
    return [
      ...(image.problem !== undefined ? [`${prefix}${image.problem}`] : []),
      ...(image.copy?.error !== undefined ? [`${prefix}copy failed: ${image.copy.error}`] : []),
      ...tags
        .filter((tag) => tag.message !== undefined)
        .map((tag) => `${prefix}${tag.tag}: ${tag.message}`)
    ]
  })
}

/** ECR's managed signing in the targets: each pushed image's signature, as the run last read it. */
function signatures(images: readonly PromotionReport[], release: boolean): string[] {
  return images.flatMap((image) =>
    (image.signing?.statuses ?? []).map(
      (status) =>
        `${release ? `${image.name}: ` : ''}signature ${status.status}${status.profileArn ? ` (${status.profileArn})` : ''}${status.failureCode ? `: ${status.failureCode}${status.failureReason ? `, ${status.failureReason}` : ''}` : ''}`
    )
  )
}

/** Target repositories that did not exist: created, or to be. */
function created(images: readonly PromotionReport[]): string[] {
  const said = new Set<string>()
  return images.flatMap((image) => {
    if (!image.newRepository) return []
    const where = describeRepository(image.target)
    if (said.has(where)) return []
    said.add(where)
    const what = image.newRepository.created
      ? 'Created'
      : image.dryRun
        ? 'Would create'
        : 'Did not create'
    return [
      `${what} the target repository ${where} with ${settingsText(image.newRepository.settings)}.`
    ]
  })
}

function copied(images: readonly PromotionReport[]): string[] {
  const blobs = images.reduce((total, image) => total + (image.copy?.blobsCopied ?? 0), 0)
  const bytes = images.reduce((total, image) => total + (image.copy?.bytesCopied ?? 0), 0)
  const manifests = images.reduce((total, image) => total + (image.copy?.manifestsWritten ?? 0), 0)
  const mounts = images.reduce((total, image) => total + (image.copy?.blobsMounted ?? 0), 0)
  const saved = images.reduce((total, image) => total + (image.copy?.bytesMounted ?? 0), 0)
  if (blobs + manifests + mounts === 0) return []
  return [
    ...(mounts > 0
      ? [`Mounted ${mounts} blob(s), ${formatBytes(saved)}, from the source: no bytes moved.`]
      : []),
    `Copied ${blobs} blob(s), ${formatBytes(bytes)}, and ${manifests} manifest(s) by digest.`
  ]
}

/** How a run that did what it was asked ended, in one line. */
function success(reports: Reports): string {
  const single = reports.images.length === 1 ? reports.images[0] : undefined
  const image = single?.image !== undefined ? ` ${single.image}` : ''
  const rollback = reports.report.rollbackOf !== undefined
  switch (reports.status) {
    case 'dry-run':
      return `Dry run: nothing was written. Run again without --dry-run to ${rollback ? 'roll back' : 'promote'}.`
    case 'rolled-back':
      return 'Rolled back: every tag that run wrote is where it was before it.'
    case 'unchanged':
      return rollback
        ? 'Nothing to do: every tag that run wrote is already where it was before it.'
        : `Nothing to do: every tag is already in place.${image ? ` Image:${image}` : ''}`
    default:
      return `Promoted${image || ` ${reports.images.length} images`}.`
  }
}

/** What follows the log: the table, the problems, and the outcome with its next step. */
export function summaryLines(reports: Reports): string[] {
  const release = 'images' in reports.report
  const table = tagTable(reports.images, release)
  const trouble = problems(reports.images, release)
  return [
    ...table,
    ...(trouble.length > 0 ? ['', ...trouble] : []),
    '',
    ...created(reports.images),
    ...copied(reports.images),
    ...signatures(reports.images, release),
    ...(reports.outcome !== undefined ? [reports.outcome] : [success(reports)]),
    ...(reports.next !== '' ? [reports.next] : [])
  ]
}
