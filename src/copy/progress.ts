// How a copy reports itself while it runs: bytes in words, and a progress line now and then.
import { formatBytes } from '../oci/index.js'

/** The lines a copy logs; whoever runs it owns groups and annotations. */
export interface ProgressLog {
  info(message: string): void
  debug(message: string): void
}

/** Where one copy's blobs are: one object per copy, its figures current whenever it is read. */
export interface CopyProgressState {
  readonly bytes: number
  readonly totalBytes: number
  readonly blobs: number
  readonly blobCount: number
  readonly elapsedMs: number
  /** The copy's blobs are over, copied or failed: no more updates come. */
  readonly done: boolean
}

/**
 * Takes a copy's progress instead of its log lines, for a face that shows progress its own way (a
 * line updated in place on a terminal). Called on each tick, and once more when the blobs are done.
 */
export type ProgressListener = (copy: CopyProgressState) => void

/** A rate, over a second or more: over less it says more about the clock than the copy. */
export function rateText(bytes: number, elapsedMs: number): string | undefined {
  return elapsedMs >= 1000 ? `${formatBytes(Math.round((bytes * 1000) / elapsedMs))}/s` : undefined
}

/**
 * One or more copies in words: where they are while they run (`Copying 92.0 MiB of 144.0 MiB (63%),
 * 5 of 8 blobs, 36.1 MiB/s`), and what they did once done (`Copied 8 blobs (144.0 MiB) in 4.0 s,
 * 36.1 MiB/s`).
 */
export function progressText(copy: CopyProgressState): string {
  const rate = rateText(copy.bytes, copy.elapsedMs)
  if (copy.done && copy.blobs === copy.blobCount)
    return `Copied ${copy.blobs} blob${copy.blobs === 1 ? '' : 's'} (${formatBytes(copy.bytes)}) in ${(copy.elapsedMs / 1000).toFixed(1)} s${rate ? `, ${rate}` : ''}`
  const share = copy.totalBytes > 0 ? ` (${Math.floor((100 * copy.bytes) / copy.totalBytes)}%)` : ''
  return `${copy.done ? 'Stopped at' : 'Copying'} ${formatBytes(copy.bytes)} of ${formatBytes(copy.totalBytes)}${share}, ${copy.blobs} of ${copy.blobCount} blobs${rate ? `, ${rate}` : ''}`
}

/** Counts bytes and blobs as they land, and reports where the copy is every `intervalMs`. */
export class CopyProgress implements CopyProgressState {
  bytes = 0
  blobs = 0
  done = false
  readonly totalBytes: number
  readonly blobCount: number
  private readonly log: ProgressLog
  private readonly listener: ProgressListener | undefined
  private readonly started = performance.now()
  private readonly ticker: NodeJS.Timeout | undefined

  constructor(
    log: ProgressLog,
    totalBytes: number,
    blobCount: number,
    intervalMs: number,
    listener?: ProgressListener
  ) {
    this.log = log
    this.totalBytes = totalBytes
    this.blobCount = blobCount
    this.listener = listener
    this.ticker =
      intervalMs > 0 && blobCount > 0 ? setInterval(() => this.report(), intervalMs) : undefined
    this.ticker?.unref()
  }

  get elapsedMs(): number {
    return performance.now() - this.started
  }

  report(): void {
    if (this.listener) return this.listener(this)
    this.log.info(progressText(this))
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.done = true
  }
}
