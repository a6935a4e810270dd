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
    const total = this.totalBytes
    const share = total > 0 ? ` (${Math.floor((100 * this.bytes) / total)}%)` : ''
    this.log.info(
      `Copied ${formatBytes(this.bytes)} of ${formatBytes(total)}${share}, ${this.blobs} of ${this.blobCount} blobs`
    )
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
    this.done = true
  }
}
