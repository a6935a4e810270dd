// Blob transfer between repositories through the registry seam: the bytes stream from the source and
// go up to the target in parts, hashed on the way. A blob is never held whole in memory: at most
// the part being uploaded and the part being filled.
import { describeRepository, streamingDigest, type RepositoryRef } from '../oci/index.js'
import { EcrError, ExplainedError, type Registry } from '../registry/index.js'

const MiB = 1024 * 1024
/** ECR refuses parts under 5 MiB (but the last) and over 20 MiB. */
const MIN_PART_SIZE = 5 * MiB
const MAX_PART_SIZE = 20 * MiB
const DEFAULT_PART_SIZE = 10 * MiB

export interface BlobSource {
  digest: string
  size?: number
}

function partSizeFor(offered: number | undefined): number {
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

/** Uploads parts in order, as ECR requires, one in flight while the next one fills. */
class PartUploader {
  private inflight: Promise<void> | undefined
  private uploaded = 0
  private readonly send: (first: number, part: Buffer) => Promise<void>
  constructor(send: (first: number, part: Buffer) => Promise<void>) {
    this.send = send
  }

  async push(part: Buffer): Promise<void> {
    if (this.inflight) await this.inflight
    const first = this.uploaded
    this.uploaded += part.length
    this.inflight = this.send(first, part)
    // Awaited by the next push or by drain(); a failure surfaces there.
    this.inflight.catch(() => {})
  }

  async drain(): Promise<void> {
    if (this.inflight) await this.inflight
  }
}

/** Uploads that ECR lost are started afresh, this many times at most. */
const UPLOAD_RESTARTS = 2

/**
 * Copies one blob from `source` to `target`. Resolves to `exists` when the target turned out to
 * have it already. A blob whose bytes do not hash to its digest is refused: its upload is never
 * completed. An upload ECR really lost (not one whose answers were: those heal in the registry
 * seam) is started again from the first byte.
 */
export async function copyBlob(
  registry: Registry,
  source: RepositoryRef,
  target: RepositoryRef,
  blob: BlobSource,
  onBytes: (count: number) => void = () => {}
): Promise<'copied' | 'exists'> {
  for (let restart = 0; ; restart++) {
    let sent = 0
    try {
      return await transferBlob(registry, source, target, blob, (count) => {
        sent += count
        onBytes(count)
      })
    } catch (error) {
      if (!(error instanceof EcrError && error.code === 'UploadLost') || restart >= UPLOAD_RESTARTS)
        throw error
      // What this attempt sent will be sent again: progress counts bytes in the target.
      onBytes(-sent)
    }
  }
}

async function transferBlob(
  registry: Registry,
  source: RepositoryRef,
  target: RepositoryRef,
  blob: BlobSource,
  onBytes: (count: number) => void = () => {}
): Promise<'copied' | 'exists'> {
  const bytes = (await registry.readBlob(source, blob.digest))[Symbol.asyncIterator]()
  // The upload and the download do not depend on each other: one round trip for both.
  const [upload, first] = await Promise.all([registry.startUpload(target), bytes.next()])
  const parts = new PartBuffer(partSizeFor(upload.partSize))
  const uploader = new PartUploader((offset, part) =>
    registry.uploadPart(target, upload.uploadId, offset, part).then(() => onBytes(part.length))
  )
  const digest = streamingDigest()
  let received = 0
  try {
    for (let next = first; !next.done; next = await bytes.next()) {
      digest.update(next.value)
      received += next.value.byteLength
      for (const part of parts.push(next.value)) await uploader.push(part)
    }
    const last = parts.rest()
    if (last) await uploader.push(last)
    await uploader.drain()
  } catch (error) {
    await bytes.return?.(undefined)
    throw error instanceof EcrError && error.code === 'DownloadFailed'
      ? new ExplainedError(error.message)
      : error
  }

  const computed = digest.digest()
  if (computed !== blob.digest || (blob.size !== undefined && received !== blob.size)) {
    throw new ExplainedError(
      `Blob ${blob.digest} from ${describeRepository(source)} downloaded as ${received} bytes hashing to ${computed}; refusing to copy it. The source repository may be corrupt.`
    )
  }
  return (await registry.completeUpload(target, upload.uploadId, blob.digest)) === 'exists'
    ? 'exists'
    : 'copied'
}
