// ECR Public's registry endpoint, read through the OCI distribution API: ECR Public's own API has no
// BatchGetImage and no GetDownloadUrlForLayer. A pull token from the token endpoint, then manifests
// and blobs by reference. Callers verify every manifest against its digest, and blobs as they stream.
import {
  ACCEPTED_MEDIA_TYPES,
  DIGEST_PATTERN,
  PUBLIC_REGISTRY_HOST,
  sha256Digest
} from '../oci/index.js'
import type { RepositoryRef } from '../oci/index.js'
import type { BlobLocation } from './blob-download.js'
import { EcrError } from './errors.js'
import type { Transport } from './transport.js'

const PUBLIC_REGISTRY_URL = `https://${PUBLIC_REGISTRY_HOST}`

export interface RegistryManifest {
  digest: string
  /** The bytes as served, decoded without touching them: their sha256 is the digest. */
  manifest: string
  mediaType?: string
}

export interface PublicRegistryReader {
  /** The manifest `reference` (a tag or digest) names, or undefined when there is none. */
  manifest(repository: RepositoryRef, reference: string): Promise<RegistryManifest | undefined>
  /** Where to download a blob, with a pull token; `renew` asks for a fresh token. */
  blobLocation(repository: RepositoryRef, digest: string, renew: boolean): Promise<BlobLocation>
}

function registryError(what: string, response: Response): EcrError {
  const code =
    response.status === 429
      ? 'TooManyRequestsException'
      : response.status === 403
        ? 'AccessDeniedException'
        : 'RegistryError'
  return new EcrError(code, `${PUBLIC_REGISTRY_HOST} answered HTTP ${response.status} to ${what}`, {
    httpStatus: response.status
  })
}

export function createPublicRegistryReader(
  transport: Transport,
  /** Basic credentials for the token endpoint: ECR Public's GetAuthorizationToken. */
  basicAuth: () => Promise<string>,
  url = PUBLIC_REGISTRY_URL
): PublicRegistryReader {
  const base = url.replace(/\/+$/, '')
  const tokens = new Map<string, Promise<string>>()
  const path = (repository: RepositoryRef): string => `${repository.publicAlias}/${repository.name}`

  function token(repository: RepositoryRef, renew: boolean): Promise<string> {
    const scope = `repository:${path(repository)}:pull`
    if (renew) tokens.delete(scope)
    let existing = tokens.get(scope)
    if (!existing) {
      existing = (async () => {
        const what = `a pull token for ${path(repository)}`
        const response = await transport.get(
          what,
          `${base}/token/?service=${PUBLIC_REGISTRY_HOST}&scope=${encodeURIComponent(scope)}`,
          { authorization: `Basic ${await basicAuth()}` }
        )
        const body = response.ok ? ((await response.json()) as { token?: string }) : undefined
        if (!body?.token) {
          await response.body?.cancel()
          throw registryError(what, response)
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
  ): Promise<Response> {
    const first = await transport.get(what, url, {
      ...headers,
      authorization: `Bearer ${await token(repository, false)}`
    })
    if (first.status !== 401) return first
    await first.body?.cancel()
    return transport.get(what, url, {
      ...headers,
      authorization: `Bearer ${await token(repository, true)}`
    })
  }

  return {
    async manifest(repository, reference) {
      const what = `GET manifest ${PUBLIC_REGISTRY_HOST}/${path(repository)}:${reference}`
      const response = await authorizedGet(
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
        throw registryError(what, response)
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

    async blobLocation(repository, digest, renew) {
      return {
        url: `${base}/v2/${path(repository)}/blobs/${digest}`,
        headers: { authorization: `Bearer ${await token(repository, renew)}` }
      }
    }
  }
}
