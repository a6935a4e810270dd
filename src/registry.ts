// ECR Public's registry endpoint, read through the OCI distribution API: ECR Public's own API has no
// BatchGetImage and no GetDownloadUrlForLayer. A pull token from the token endpoint, then manifests
// and blobs by reference. Callers verify every manifest against its digest, and blobs as they stream.
import { EcrError } from './errors.js'
import type { RepositoryRef } from './inputs.js'
import { ACCEPTED_MEDIA_TYPES } from './manifest.js'
import { sha256Digest } from './digest.js'
import { DIGEST_PATTERN, PUBLIC_REGISTRY_HOST } from './references.js'

export const PUBLIC_REGISTRY_URL = `https://${PUBLIC_REGISTRY_HOST}`
const DEFAULT_ATTEMPTS = 5

export interface RegistryManifest {
  digest: string
  /** The bytes as served, decoded without touching them: their sha256 is the digest. */
  manifest: string
  mediaType?: string
}

export interface RegistryOptions {
  /** The registry's base URL; https://public.ecr.aws unless a local one stands in for it. */
  url?: string
  /** Basic credentials for the token endpoint: ECR Public's GetAuthorizationToken. */
  basicAuth: () => Promise<string>
  attempts?: number
  retryDelay?: (attempt: number) => number
  debug?: (line: string) => void
}

export interface RegistryReader {
  /** The manifest `reference` (a tag or digest) names, or undefined when there is none. */
  manifest(repository: RepositoryRef, reference: string): Promise<RegistryManifest | undefined>
  /** Where to download a blob, and the token to show there. */
  blobLocation(
    repository: RepositoryRef,
    digest: string
  ): Promise<{ url: string; headers: Record<string, string> }>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function registryError(what: string, response: Response, attempts: number): EcrError {
  const code =
    response.status === 429
      ? 'TooManyRequestsException'
      : response.status === 403
        ? 'AccessDeniedException'
        : 'RegistryError'
  return new EcrError(code, `${PUBLIC_REGISTRY_HOST} answered HTTP ${response.status} to ${what}`, {
    httpStatus: response.status,
    attempts
  })
}

export function createRegistryReader(options: RegistryOptions): RegistryReader {
  const base = (options.url ?? PUBLIC_REGISTRY_URL).replace(/\/+$/, '')
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  const debug = options.debug ?? (() => {})
  const delay = options.retryDelay ?? ((attempt) => Math.random() * 250 * 2 ** attempt)
  const tokens = new Map<string, Promise<string>>()
  const located = new Set<string>()

  /** A GET, retried on dropped connections, throttling and server errors. */
  async function get(what: string, url: string, headers: Record<string, string>) {
    const started = performance.now()
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined
      try {
        response = await fetch(url, { headers })
      } catch (error) {
        if (attempt >= attempts) {
          throw new EcrError(
            'NetworkingError',
            `${what} failed: ${(error as Error).cause ?? (error as Error).message}`,
            { attempts: attempt }
          )
        }
      }
      if (response && response.status !== 429 && response.status < 500) {
        debug(`${what}: HTTP ${response.status} in ${Math.round(performance.now() - started)} ms`)
        return { response, attempt }
      }
      if (response && attempt >= attempts) throw registryError(what, response, attempt)
      await response?.body?.cancel()
      await sleep(delay(attempt))
    }
  }

  function path(repository: RepositoryRef): string {
    return `${repository.publicAlias}/${repository.name}`
  }

  function token(repository: RepositoryRef, fresh: boolean): Promise<string> {
    const scope = `repository:${path(repository)}:pull`
    if (fresh) tokens.delete(scope)
    let existing = tokens.get(scope)
    if (!existing) {
      existing = (async () => {
        const what = `a pull token for ${path(repository)}`
        const { response, attempt } = await get(
          what,
          `${base}/token/?service=${PUBLIC_REGISTRY_HOST}&scope=${encodeURIComponent(scope)}`,
          { authorization: `Basic ${await options.basicAuth()}` }
        )
        const body = response.ok ? ((await response.json()) as { token?: string }) : undefined
        if (!body?.token) {
          await response.body?.cancel()
          throw registryError(what, response, attempt)
        }
        return body.token
      })()
      existing.catch(() => tokens.delete(scope))
      tokens.set(scope, existing)
    }
    return existing
  }

  /** A GET with the pull token, fetching a fresh token once if the registry refuses the one held. */
  async function authorizedGet(
    what: string,
    repository: RepositoryRef,
    url: string,
    headers: Record<string, string>
  ) {
    for (const fresh of [false, true]) {
      const bearer = await token(repository, fresh)
      const answer = await get(what, url, { ...headers, authorization: `Bearer ${bearer}` })
      if (answer.response.status !== 401 || fresh) return answer
      await answer.response.body?.cancel()
    }
    throw new Error('unreachable')
  }

  return {
    async manifest(repository, reference) {
      const what = `GET manifest ${PUBLIC_REGISTRY_HOST}/${path(repository)}:${reference}`
      const { response, attempt } = await authorizedGet(
        what,
        repository,
        `${base}/v2/${path(repository)}/manifests/${reference}`,
        { accept: ACCEPTED_MEDIA_TYPES.join(', ') }
      )
      if (response.status === 404) {
        await response.body?.cancel()
        return undefined
      }
      if (response.status !== 200) {
        await response.body?.cancel()
        throw registryError(what, response, attempt)
      }
      const bytes = new Uint8Array(await response.arrayBuffer())
      // By digest, the digest asked for is the one to verify; by tag, the registry's word for it.
      const digest = DIGEST_PATTERN.test(reference)
        ? reference
        : (response.headers.get('docker-content-digest') ?? sha256Digest(bytes))
      const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim()
      return {
        digest,
        manifest: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
        ...(mediaType && { mediaType })
      }
    },

    async blobLocation(repository, digest) {
      // Asked again for the same blob: the download was refused, so the token may have expired.
      const url = `${base}/v2/${path(repository)}/blobs/${digest}`
      const again = located.has(url)
      located.add(url)
      return { url, headers: { authorization: `Bearer ${await token(repository, again)}` } }
    }
  }
}
