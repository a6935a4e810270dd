// What the signature gate trusts: a Sigstore trusted root (the Fulcio CAs, Rekor and CT logs and
// timestamp authorities a signature must chain to), from a file or from Sigstore's TUF repository.
import { readFile } from 'node:fs/promises'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial } from '@sigstore/verify'
import type { TrustMaterial } from '@sigstore/verify'
import { TrustMaterialError } from './trust-error.js'

export { TrustMaterialError }

export type { TrustMaterial }

export interface TrustSource {
  /**
   * A sigstore-trusted-root JSON file, as `cosign trusted-root create` writes it or Sigstore's TUF
   * repository serves it (trusted_root.json). Without it, the public-good instance's root is
   * fetched through TUF.
   */
  trustedRootPath?: string
  /** Where the TUF client keeps its metadata. Default: the sigstore-js cache in the user's data dir. */
  tufCachePath?: string
  /** A TUF mirror other than Sigstore's public-good one, https://tuf-repo-cdn.sigstore.dev */
  tufMirrorURL?: string
  /** The initial root.json of `tufMirrorURL`; only the public-good mirror's ships with the client. */
  tufRootPath?: string
  /** Per request to the TUF mirror. Default 5000. */
  timeoutMs?: number
  /** Retries per request to the TUF mirror. Default 2. */
  tufRetries?: number
}

const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot/

export async function loadTrustMaterial(source: TrustSource = {}): Promise<TrustMaterial> {
  if (source.trustedRootPath === undefined) return trustMaterialFromTUF(source)
  const path = source.trustedRootPath
  return trustMaterialFromJSON(await readJSON(path), path)
}

/** Trust material from a trusted root already parsed from JSON; `place` is where it came from. */
export function trustMaterialFromJSON(json: unknown, place = 'the document'): TrustMaterial {
  const problem = documentProblem(json)
  if (problem) throw trustError(`${place} does not hold a Sigstore trusted root: ${problem}`)
  return usableMaterial(() => TrustedRoot.fromJSON(json), place)
}

async function readJSON(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'there is no such file' : messageOf(error)
    throw trustError(`Cannot read the Sigstore trusted root ${path}: ${why}`, error)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw trustError(`The Sigstore trusted root ${path} is not JSON: ${messageOf(error)}`, error)
  }
}

function documentProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return `it holds ${kindOf(json)}, not an object`
  const document = json as Record<string, unknown>
  // The likeliest mix-up: TUF's root.json, which signs the repository, not the trusted root.
  if ('signed' in document && 'signatures' in document)
    return "it is TUF metadata (a root.json); the trusted root is the repository's trusted_root.json target"
  if (typeof document.mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(document.mediaType))
    return `its mediaType is ${JSON.stringify(document.mediaType)}, not application/vnd.dev.sigstore.trustedroot…`
  return undefined
}

// Without a CA, a transparency log and a CT log no Fulcio-certified signature can ever verify, so
// such a root is refused here rather than failing every bundle later.
function usableMaterial(parse: () => TrustedRoot, place: string): TrustMaterial {
  let root: TrustedRoot
  let material: TrustMaterial
  try {
    root = parse()
    material = toTrustMaterial(root)
  } catch (error) {
    throw trustError(
      `The Sigstore trusted root in ${place} cannot be read: ${messageOf(error)}`,
      error
    )
  }
  const missing = [
    root.certificateAuthorities.length === 0 && 'certificate authorities (Fulcio)',
    root.tlogs.length === 0 && 'transparency logs (Rekor)',
    root.ctlogs.length === 0 && 'certificate transparency logs'
  ].filter((item): item is string => typeof item === 'string')
  if (missing.length > 0)
    throw trustError(`The Sigstore trusted root in ${place} lists no ${missing.join(', no ')}`)
  return material
}

async function trustMaterialFromTUF(source: TrustSource): Promise<TrustMaterial> {
  // Loaded only here, so that a gate given a trusted-root file never loads the TUF client.
  const { DEFAULT_MIRROR_URL, getTrustedRoot } = await import('@sigstore/tuf')
  const mirror = source.tufMirrorURL ?? DEFAULT_MIRROR_URL
  let root: TrustedRoot
  try {
    root = await getTrustedRoot({
      mirrorURL: mirror,
      cachePath: source.tufCachePath,
      rootPath: source.tufRootPath,
      timeout: source.timeoutMs,
      retry: source.tufRetries
    })
  } catch (error) {
    // A repository that could not be reached may answer a rerun; a client without its root will not.
    const code = (error as { code?: unknown }).code
    const retryable = code === 'TUF_REFRESH_METADATA_ERROR' || code === 'TUF_DOWNLOAD_TARGET_ERROR'
    const failed = trustError(tufFailure(error, mirror), error)
    failed.retryable = retryable
    throw failed
  }
  return usableMaterial(() => root, `the TUF repository at ${mirror}`)
}

function tufFailure(error: unknown, mirror: string): string {
  const code = (error as { code?: unknown }).code
  // The TUF client's own message is generic ("error refreshing TUF metadata"); its causes say why.
  const detail = causeChain(error).map(messageOf).join(': ')
  switch (code) {
    case 'TUF_REFRESH_METADATA_ERROR':
    case 'TUF_DOWNLOAD_TARGET_ERROR':
      return `Cannot reach the TUF repository at ${mirror} to fetch Sigstore's trusted root (${detail})`
    case 'TUF_INIT_CACHE_ERROR':
      return `Cannot start the TUF client for ${mirror} (${detail}); a mirror other than Sigstore's needs its root.json`
    case 'TUF_FIND_TARGET_ERROR':
      return `The TUF repository at ${mirror} has no trusted_root.json (${detail})`
    default:
      return `Cannot load Sigstore's trusted root from ${mirror} through TUF (${detail})`
  }
}

function trustError(message: string, cause?: unknown): TrustMaterialError {
  const sentence = message.charAt(0).toUpperCase() + message.slice(1)
  return new TrustMaterialError(sentence, cause === undefined ? undefined : { cause })
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  for (let link = error; link != null && chain.length < 5; link = (link as Error).cause)
    chain.push(link)
  return chain
}

/** A JSON value's kind, as a phrase: "null", "an array", "a string". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)
