// One blob's bytes, from a presigned URL (ECR) or a registry endpoint (ECR Public), resumed with an
// HTTP Range after a dropped or stalled connection, so a big layer survives a flaky network.
import { EcrError } from './errors.js'
import type { CallTarget, Transport } from './transport.js'

export interface BlobLocation {
  url: string
  /** Sent with the download (a registry's bearer token); a presigned URL needs none. */
  headers?: Record<string, string>
}

/**
 * Where to download the blob. `renew` is true when the last location was refused (401/403): an
 * expired presigned URL or pull token, so a fresh one is needed rather than the one held.
 */
export type LocateBlob = (renew: boolean) => Promise<BlobLocation>

class Interrupted extends Error {
  readonly refused: boolean
  constructor(message: string, refused = false) {
    super(message)
    this.refused = refused
  }
}

/** A request that failed in a way the next attempt may get past is resumed like a dropped body. */
function resumable(error: unknown): never {
  if (error instanceof EcrError && (error.kind === 'transient' || error.kind === 'timeout'))
    throw new Interrupted(error.message)
  throw error
}

const stopped = (label: string, attempts: number): EcrError =>
  new EcrError('Cancelled', `Downloading ${label} was interrupted by the run stopping`, {
    attempts,
    kind: 'cancelled'
  })

export interface DownloadOptions {
  /** Told of every resumption, for the log: `blob` names the blob and where it comes from. */
  onResume?: (blob: string, offset: number, reason: string) => void
}

/** Reads the next chunk, or gives up once nothing arrives for `timeoutMs` of waiting for it. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
  abort: AbortController
): Promise<Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>> {
  let timer: NodeJS.Timeout | undefined
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new Interrupted(`no data for ${timeoutMs / 1000} s`)
      abort.abort(reason)
      reject(reason)
    }, timeoutMs)
  })
  try {
    return await Promise.race([reader.read(), stalled])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Streams the blob from its first byte. Each request goes through the transport's loop (paced,
 * retried on throttling, 5xx and connections that fail, its headers timed out); a body that stalls
 * or breaks off is resumed from where it stopped. The stall clock runs only while waiting for the
 * network, never while the consumer is busy with what it was given (uploading it, say). Failures of
 * the location calls and of the transport's loop are EcrError and end the download.
 */
export async function* downloadBlob(
  transport: Transport,
  /** The blob and where it comes from, as messages name it. */
  label: string,
  /** What the download's requests are paced and named as. */
  target: CallTarget,
  locate: LocateBlob,
  options: DownloadOptions = {}
): AsyncGenerator<Uint8Array> {
  const stallTimeoutMs = transport.timeouts.stallMs
  let received = 0
  let location: BlobLocation | undefined
  let renew = false
  for (let attempt = 1; ; attempt++) {
    const abort = new AbortController()
    try {
      location ??= await locate(renew)
      // One attempt per request through the transport's loop (paced, throttling waited out, its
      // headers timed out); a request that fails is resumed here, with the other interruptions.
      const response = await transport
        .request(`GET ${label}`, { ...target, maxAttempts: 1 }, location.url, {
          signal: abort.signal,
          streaming: true,
          headers: { ...location.headers, ...(received > 0 && { range: `bytes=${received}-` }) }
        })
        .catch(resumable)
      if (response.status === 401 || response.status === 403)
        throw new Interrupted(`HTTP ${response.status}`, true)
      if (response.status !== 200 && response.status !== 206)
        throw new Interrupted(`HTTP ${response.status}`)
      if (!response.body) throw new Interrupted('no response body')
      // A server that ignores the range starts again from byte 0: skip what was already read.
      let skip = received > 0 && response.status === 200 ? received : 0
      const reader = response.body.getReader()
      for (;;) {
        const { done, value } = await readWithin(reader, stallTimeoutMs, abort)
        if (done) return
        let bytes = value
        if (skip > 0) {
          const dropped = Math.min(skip, bytes.byteLength)
          skip -= dropped
          bytes = bytes.subarray(dropped)
          if (bytes.byteLength === 0) continue
        }
        received += bytes.byteLength
        yield bytes
      }
    } catch (error) {
      if (error instanceof EcrError) throw error
      if (transport.signal?.aborted) throw stopped(label, attempt)
      const reason = (error as Error).message
      if (attempt >= transport.maxAttempts)
        throw new EcrError(
          'DownloadFailed',
          `Downloading ${label} failed after ${attempt} attempts: ${reason}`,
          // The network's fault, not the image's: a rerun may get through.
          { attempts: attempt, kind: 'transient' }
        )
      renew = error instanceof Interrupted && error.refused
      if (renew) location = undefined
      options.onResume?.(label, received, reason)
      await transport.pause(label, attempt).catch(() => {
        throw stopped(label, attempt)
      })
    } finally {
      abort.abort()
    }
  }
}
