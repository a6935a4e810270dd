// Content digests as registries compute them: sha256 over the exact bytes.
import { createHash } from 'node:crypto'

export function sha256Digest(data: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex')
}

/** The digest of bytes that arrive in pieces (a streamed blob), without holding them. */
export function streamingDigest(): { update(bytes: Uint8Array): void; digest(): string } {
  const hash = createHash('sha256')
  return {
    update: (bytes) => void hash.update(bytes),
    digest: () => 'sha256:' + hash.digest('hex')
  }
}

/** `sha256:` and the first 12 hex digits: enough to tell digests apart at a glance. */
export function shortDigest(digest: string): string {
  const [algorithm, hex = ''] = digest.split(':')
  return `${algorithm}:${hex.slice(0, 12)}`
}
