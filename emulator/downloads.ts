// Blob downloads, as S3 serves GetDownloadUrlForLayer's presigned URLs: an unguessable loopback URL
// per grant, Range support, and faults that cut a download short or never start it.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Faults } from './faults.js'
import type { RequestLogEntry } from './server.js'
import type { Store } from './store.js'

interface Host {
  readonly store: Store
  readonly faults: Faults
  readonly latencyMs: number
  readonly url: string
  record(entry: RequestLogEntry): void
}

interface Grant {
  registryId: string
  region: string
  repository: string
  digest: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export class Downloads {
  private readonly grants = new Map<string, Grant>()
  private readonly host: Host

  constructor(host: Host) {
    this.host = host
  }

  /** A loopback URL that serves one blob, as S3 serves a presigned URL. */
  grant(registryId: string, region: string, repository: string, digest: string): string {
    const token = randomUUID()
    this.grants.set(token, { registryId, region, repository, digest })
    return `${this.host.url}/blobs/${token}`
  }

  async serve(request: IncomingMessage, response: ServerResponse, startedAt: number) {
    const grant = this.grants.get(request.url!.slice('/blobs/'.length))
    const entry: RequestLogEntry = {
      operation: 'BlobDownload',
      status: 200,
      startedAt,
      durationMs: 0
    }
    const record = (status: number, extra: Partial<RequestLogEntry> = {}): void =>
      this.host.record({ ...entry, status, ...extra, durationMs: Date.now() - startedAt })
    const blob =
      grant &&
      this.host.store
        .find(grant.registryId, grant.region, grant.repository)
        ?.blobs.get(grant.digest)
    if (!grant || !blob) {
      response
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>AccessDenied</Code></Error>')
      return record(403)
    }
    Object.assign(entry, {
      registryId: grant.registryId,
      region: grant.region,
      repositoryName: grant.repository
    })
    if (this.host.latencyMs > 0) await sleep(this.host.latencyMs)
    const fault = this.host.faults.pick('BlobDownload')
    // Accepted, never answered: the socket stays open until the client or close() ends it.
    if (fault === 'stall') return record(0, { fault })
    let start = 0
    let end = blob.size - 1
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ''))
    if (range) {
      start = Number(range[1])
      end = range[2] ? Math.min(Number(range[2]), end) : end
      if (start > end) {
        response.writeHead(416, { 'content-range': `bytes */${blob.size}` }).end()
        return record(416)
      }
    }
    const status = range ? 206 : 200
    response.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      ...(range && { 'content-range': `bytes ${start}-${end}/${blob.size}` })
    })
    // A dropped download stops halfway through the bytes, as a broken connection would.
    const stopAt =
      fault === 'drop' || fault === 'drop-after'
        ? start + Math.floor((end - start + 1) / 2)
        : Infinity
    let offset = 0
    for (const chunk of blob.chunks) {
      const chunkStart = offset
      offset += chunk.length
      if (offset <= start || chunkStart > end) continue
      const from = Math.max(start, chunkStart) - chunkStart
      const to = Math.min(end + 1, offset, stopAt) - chunkStart
      if (to > from && !response.write(chunk.subarray(from, to)))
        await new Promise((resolve) => response.once('drain', resolve))
      if (offset >= stopAt) {
        response.destroy()
        return record(status, { fault: fault! })
      }
    }
    response.end()
    record(status)
  }
}
