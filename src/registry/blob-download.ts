// One blob's bytes, from a presigned URL (ECR) or a registry endpoint (ECR Public), resumed with an
// HTTP Range after a dropped or stalled connection, so a big layer survives a flaky network.
import { EcrError } from './errors.js'
import type { Transport } from './transport.js'

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
 * Streams the blob from its first byte. The stall clock runs only while waiting for the network,
 * never while the consumer is busy with what it was given (uploading it, say). Failures of the
 * location calls themselves are EcrError and end the download; network faults are retried within
 * the transport's attempts.
 */
export async function* downloadBlob(
  transport: Transport,
  /** The blob and where it comes from, as messages name it. */
  label: string,
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
      const response = await transport.fetch(location.url, {
        signal: abort.signal,
        headers: { ...location.headers, ...(received > 0 && { range: `bytes=${received}-` }) }
      })
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
      try {
        await transport.sleep(transport.delay(attempt), transport.signal)
      } catch {
        throw stopped(label, attempt)
      }
    } finally {
      abort.abort()
    }
  }
}
