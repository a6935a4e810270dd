// Blob transfer between repositories through the ECR API: download from the source's presigned
// URL (or ECR Public's registry), upload in parts to the target, hashing on the way. A blob is never held whole in memory:
// at most the part being uploaded and the part being filled.
import { createHash } from 'node:crypto'
import type { BlobLocation, EcrApi } from './ecr.js'
import { EcrError, PromotionError } from './errors.js'
import type { RepositoryRef } from './inputs.js'

const MiB = 1024 * 1024
/** ECR refuses parts under 5 MiB (but the last) and over 20 MiB. */
export const MIN_PART_SIZE = 5 * MiB
export const MAX_PART_SIZE = 20 * MiB
const DEFAULT_PART_SIZE = 10 * MiB
/** Download attempts per blob; each retry resumes where the last one stopped. */
const DOWNLOAD_ATTEMPTS = 5
/** A download that delivers no byte for this long is dropped and resumed. */
const STALL_TIMEOUT_MS = 60_000

export interface BlobSource {
  digest: string
  size?: number
}

export interface TransferOptions {
  /** Called with every uploaded byte count, for progress. */
  onBytes?: (bytes: number) => void
  /** Waits before a download retry; tests pass a zero wait. */
  sleep?: (ms: number) => Promise<void>
  fetch?: typeof fetch
  log?: (line: string) => void
  stallTimeoutMs?: number
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

export function partSizeFor(offered: number | undefined): number {
  return Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, offered ?? DEFAULT_PART_SIZE))
}

/** Collects streamed chunks into parts of exactly `size` bytes (the last may be shorter). */
class PartBuffer {
  private chunks: Buffer[] = []
  private length = 0
  private readonly size: number
  constructor(size: number) {
    this.size = size
  }

  push(chunk: Uint8Array): Buffer[] {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    this.length += chunk.byteLength
    const parts: Buffer[] = []
    while (this.length >= this.size) parts.push(this.take(this.size))
    return parts
  }

  rest(): Buffer | undefined {
    return this.length > 0 ? this.take(this.length) : undefined
  }

  private take(count: number): Buffer {
    const all = Buffer.concat(this.chunks, this.length)
    const part = all.subarray(0, count)
    const remainder = all.subarray(count)
    this.chunks = remainder.length > 0 ? [Buffer.from(remainder)] : []
    this.length = remainder.length
    return Buffer.from(part)
  }
}

/** Aborts a download that goes quiet for `timeoutMs`; paused while the copy waits on itself. */
class Watchdog {
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private readonly timeoutMs: number
  readonly signal = this.controller.signal
  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs
    this.restart()
  }

  restart(): void {
    this.pause()
    this.timer = setTimeout(
      () => this.controller.abort(new DownloadError(`no data for ${this.timeoutMs / 1000} s`)),
      this.timeoutMs
    )
  }

  pause(): void {
    clearTimeout(this.timer)
  }
}

class DownloadError extends Error {
  readonly expiredUrl: boolean
  constructor(message: string, expiredUrl = false) {
    super(message)
    this.expiredUrl = expiredUrl
  }
}

/**
 * Copies one blob from `source` to `target`. Resolves to `exists` when the target turned out to
 * have it already. A blob whose bytes do not hash to its digest is refused: its upload is never
 * completed.
 */
export async function copyBlob(
  ecr: EcrApi,
  source: RepositoryRef,
  target: RepositoryRef,
  blob: BlobSource,
  options: TransferOptions = {}
): Promise<'copied' | 'exists'> {
  const fetchBlob = options.fetch ?? fetch
  const sleep = options.sleep ?? defaultSleep
  // The upload and the download URL do not depend on each other: one round trip for both.
  const [{ uploadId, partSize: offered }, firstLocation] = await Promise.all([
    ecr.startUpload(target),
    ecr.blobLocation(source, blob.digest)
  ])
  const parts = new PartBuffer(partSizeFor(offered))
  const hash = createHash('sha256')
  let received = 0
  let uploaded = 0
  let inflight: Promise<void> | undefined

  // One part uploads while the next one fills; parts go in order, as ECR requires.
  const send = async (part: Buffer): Promise<void> => {
    if (inflight) await inflight
    const first = uploaded
    uploaded += part.length
    inflight = ecr
      .uploadPart(target, uploadId, first, part)
      .then(() => options.onBytes?.(part.length))
    inflight.catch(() => {})
  }

  let location: BlobLocation | undefined = firstLocation
  for (let attempt = 1; ; attempt++) {
    const watchdog = new Watchdog(options.stallTimeoutMs ?? STALL_TIMEOUT_MS)
    try {
      location ??= await ecr.blobLocation(source, blob.digest)
      const response = await fetchBlob(location.url, {
        signal: watchdog.signal,
        headers: { ...location.headers, ...(received > 0 && { range: `bytes=${received}-` }) }
      })
      if (response.status === 401 || response.status === 403)
        throw new DownloadError(`HTTP ${response.status}`, true)
      if (response.status !== 200 && response.status !== 206)
        throw new DownloadError(`HTTP ${response.status}`)
      if (!response.body) throw new DownloadError('no response body')
      // A server that ignores the range starts again from byte 0: skip what was already read.
      let skip = received > 0 && response.status === 200 ? received : 0
      for await (const chunk of response.body) {
        let bytes: Uint8Array = chunk
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.byteLength)
          skip -= dropped
          bytes = bytes.subarray(dropped)
          if (bytes.byteLength === 0) continue
        }
        hash.update(bytes)
        received += bytes.byteLength
        const ready = parts.push(bytes)
        // Waiting on our own uploads is not the download stalling.
        if (ready.length > 0) watchdog.pause()
        for (const part of ready) await send(part)
        watchdog.restart()
      }
      break
    } catch (error) {
      if (error instanceof EcrError) throw error
      if (attempt >= DOWNLOAD_ATTEMPTS) {
        throw new PromotionError(
          `Downloading blob ${blob.digest} failed after ${attempt} attempts: ${(error as Error).message}`
        )
      }
      if (error instanceof DownloadError && error.expiredUrl) location = undefined
      options.log?.(
        `Download of ${blob.digest} interrupted at byte ${received} (${(error as Error).message}); resuming`
      )
      await sleep(Math.min(8000, 250 * 2 ** (attempt - 1)))
    } finally {
      watchdog.pause()
    }
  }
  const last = parts.rest()
  if (last) await send(last)
  if (inflight) await inflight

  const computed = 'sha256:' + hash.digest('hex')
  if (computed !== blob.digest || (blob.size !== undefined && received !== blob.size)) {
    throw new PromotionError(
      `Blob ${blob.digest} from ${source.name} downloaded as ${received} bytes hashing to ${computed}; refusing to copy it. The source repository may be corrupt.`
    )
  }
  return (await ecr.completeUpload(target, uploadId, blob.digest)) === 'exists'
    ? 'exists'
    : 'copied'
}
