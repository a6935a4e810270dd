// How a copy reports itself while it runs: bytes in words, and a progress line now and then.

/** The lines a copy logs; whoever runs it owns groups and annotations. */
export interface ProgressLog {
  info(message: string): void
  debug(message: string): void
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** Counts bytes and blobs as they land, and logs where the copy is every `intervalMs`. */
export class CopyProgress {
  bytes = 0
  blobs = 0
  private readonly total: number
  private readonly blobCount: number
  private readonly log: ProgressLog
  private readonly ticker: NodeJS.Timeout | undefined

  constructor(log: ProgressLog, total: number, blobCount: number, intervalMs: number) {
    this.log = log
    this.total = total
    this.blobCount = blobCount
    this.ticker =
      intervalMs > 0 && blobCount > 0 ? setInterval(() => this.report(), intervalMs) : undefined
    this.ticker?.unref()
  }

  report(): void {
    const share = this.total > 0 ? ` (${Math.floor((100 * this.bytes) / this.total)}%)` : ''
    this.log.info(
      `Copied ${formatBytes(this.bytes)} of ${formatBytes(this.total)}${share}, ${this.blobs} of ${this.blobCount} blobs`
    )
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker)
  }
}
