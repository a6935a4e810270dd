// The step's outputs: what later steps of the workflow read. Every run sets all of them, whatever
// its outcome, and they state only facts: `images` lists the tags that point at the promoted digest
// once the run is over, never one that was refused, skipped or cancelled.
import {
  inPlaceReferences,
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
  'result',
  'matrix',
  'record'
] as const

type Outputs = Record<(typeof OUTPUT_NAMES)[number], string>

function set(runner: Runner, outputs: Outputs): void {
  for (const name of OUTPUT_NAMES) runner.setOutput(name, outputs[name])
}

const EMPTY: Outputs = {
  digest: '',
  'media-type': '',
  image: '',
  images: '',
  changed: 'false',
  'blobs-copied': '0',
  'bytes-copied': '0',
  result: '',
  matrix: '',
  record: ''
}

/** A run that promoted (or tried to promote) one image. */
export function setImageOutputs(runner: Runner, report: PromotionReport, record: string): void {
  set(runner, {
    digest: report.digest ?? '',
    'media-type': report.mediaType ?? '',
    image: report.image ?? '',
    images: inPlaceReferences(report).join('\n'),
    changed: String(report.changed),
    'blobs-copied': String(report.copy?.blobsCopied ?? 0),
    'bytes-copied': String(report.copy?.bytesCopied ?? 0),
    result: JSON.stringify(report),
    matrix: '',
    record
  })
}

/** A release: the per-image figures are in `result`; `matrix` groups it for fanning out. */
export function setReleaseOutputs(
  runner: Runner,
  report: ReleaseReport,
  matrix: string,
  record: string
): void {
  set(runner, {
    ...EMPTY,
    images: report.images.flatMap(inPlaceReferences).join('\n'),
    changed: String(report.changed),
    'blobs-copied': String(report.totals.blobsCopied),
    'bytes-copied': String(report.totals.bytesCopied),
    result: JSON.stringify(report),
    matrix,
    record
  })
}

/** A run that stopped before it could resolve anything: an input error, say. */
export function setFailureOutputs(runner: Runner, record: EarlyFailureReport): void {
  set(runner, { ...EMPTY, result: JSON.stringify(record) })
}
