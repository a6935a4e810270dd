// The step's outputs: what later steps of the workflow read. Every run sets all of them, whatever
// its outcome, and they state only facts: `images` lists the tags that point at the promoted digest
// once the run is over, never one that was refused, skipped or cancelled. GitHub allows a job's
// outputs 1 MB together; a run too big for that shortens `result` (saying so, and naming the file
// with the whole of it) before it leaves any output empty, and never sets one in part.
import {
  inPlaceReferences,
  needsAttention,
  resultJson,
  WRITTEN_STATUSES,
  type PromotionReport,
  type ReleaseReport,
  type EarlyFailureReport
} from '../promotion/index.js'
import type { Runner } from './runner.js'

export const OUTPUT_NAMES = [
  'digest',
  'media-type',
  'image',
  'images',
  'changed',
  'blobs-copied',
  'bytes-copied',
  'blobs-mounted',
  'bytes-mounted',
  'result',
  'result-file',
  'matrix',
  'record'
] as const

type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>

/** GitHub's limit on a job's outputs together, in bytes, counting each UTF-16 code unit as two. */
export const OUTPUTS_LIMIT = 1_000_000
/** What one step may take of it: most, with room left for a few small outputs of other steps. */
const OUTPUTS_BUDGET = 900_000

/** The outputs' size as GitHub counts it: names and values, two bytes per UTF-16 code unit. */
export function outputsSize(outputs: Record<string, string>): number {
  return Object.entries(outputs).reduce(
    (size, [name, value]) => size + 2 * (name.length + value.length),
    0
  )
}

/** Where the step wrote the run's files: the promotion record and the whole `result`. */
export interface OutputFiles {
  record: string
  result: string
}

const EMPTY: Outputs = {
  digest: '',
  'media-type': '',
  image: '',
  images: '',
  changed: 'false',
  'blobs-copied': '0',
  'bytes-copied': '0',
  'blobs-mounted': '0',
  'bytes-mounted': '0',
  result: '',
  'result-file': '',
  matrix: '',
  record: ''
}

/**
 * Sets the first of the candidates that fits the budget (the last, whatever its size, when none
 * does), and warns of each output it had to leave empty.
 */
function setFitting(runner: Runner, full: Outputs, candidates: Outputs[]): void {
  const chosen =
    [full, ...candidates].find((outputs) => outputsSize(outputs) <= OUTPUTS_BUDGET) ??
    candidates.at(-1) ??
    full
  const whole = full['result-file']
    ? `The whole result is in ${full['result-file']} (the "result-file" output).`
    : 'The whole result could not be written to a file (see the warning above); the promotion record holds what was done.'
  for (const name of ['images', 'matrix'] as const)
    if (chosen[name] === '' && full[name] !== '')
      runner.warning(
        `The "${name}" output is empty: it would pass GitHub's limit of 1 MB for a job's outputs. ${whole}`,
        { title: 'Output left empty' }
      )
  if (chosen.result !== full.result)
    runner.info(
      `The "result" output is shortened to fit GitHub's limit for a job's outputs. ${whole}`
    )
  for (const name of OUTPUT_NAMES) runner.setOutput(name, chosen[name])
}

/** A run that promoted (or tried to promote) one image. */
export function setImageOutputs(runner: Runner, report: PromotionReport, files: OutputFiles): void {
  const full: Outputs = {
    digest: report.digest ?? '',
    'media-type': report.mediaType ?? '',
    image: report.image ?? '',
    images: inPlaceReferences(report).join('\n'),
    changed: String(report.changed),
    'blobs-copied': String(report.copy?.blobsCopied ?? 0),
    'bytes-copied': String(report.copy?.bytesCopied ?? 0),
    'blobs-mounted': String(report.copy?.blobsMounted ?? 0),
    'bytes-mounted': String(report.copy?.bytesMounted ?? 0),
    result: JSON.stringify(resultJson(report)),
    'result-file': files.result,
    matrix: '',
    record: files.record
  }
  // The tags that did not get where they were meant to, only.
  const tags = report.tags.filter((tag) => !WRITTEN_STATUSES.has(tag.status))
  const short = JSON.stringify({
    ...resultJson(report),
    tags: tags.filter((tag) => tag.status !== 'unchanged'),
    shortened: {
      omittedTags: report.tags.length - tags.filter((t) => t.status !== 'unchanged').length,
      file: files.result
    }
  })
  setFitting(runner, full, [
    { ...full, result: short },
    { ...full, result: short, images: '' }
  ])
}

/** A release: the per-image figures are in `result`; `matrix` groups it for fanning out. */
export function setReleaseOutputs(
  runner: Runner,
  report: ReleaseReport,
  matrix: string,
  files: OutputFiles
): void {
  const full: Outputs = {
    ...EMPTY,
    images: report.images.flatMap(inPlaceReferences).join('\n'),
    changed: String(report.changed),
    'blobs-copied': String(report.totals.blobsCopied),
    'bytes-copied': String(report.totals.bytesCopied),
    'blobs-mounted': String(report.totals.blobsMounted),
    'bytes-mounted': String(report.totals.bytesMounted),
    result: JSON.stringify(resultJson(report)),
    'result-file': files.result,
    matrix,
    record: files.record
  }
  /** The result with only the images a reader must look at, or none. */
  const shortened = (images: PromotionReport[]): string =>
    JSON.stringify({
      ...resultJson({ ...report, images }),
      shortened: { omittedImages: report.images.length - images.length, file: files.result }
    })
  const attention = shortened(report.images.filter(needsAttention))
  const bare = shortened([])
  // Shorter results first; then `matrix` before `images`, as a fanned-out workflow needs it whole.
  setFitting(runner, full, [
    { ...full, result: attention },
    { ...full, result: bare },
    { ...full, result: attention, images: '' },
    { ...full, result: bare, images: '' },
    { ...full, result: bare, matrix: '' },
    { ...full, result: bare, images: '', matrix: '' }
  ])
}

/** A run that stopped before it could resolve anything: an input error, say. */
export function setFailureOutputs(runner: Runner, record: EarlyFailureReport): void {
  for (const name of OUTPUT_NAMES)
    runner.setOutput(name, name === 'result' ? JSON.stringify(record) : EMPTY[name])
}
