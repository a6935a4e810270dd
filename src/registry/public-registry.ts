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
import type { Service } from './service.js'
import type { CallTarget } from './transport.js'

const PUBLIC_REGISTRY_URL = `https://${PUBLIC_REGISTRY_HOST}`

export interface RegistryManifest {
  digest: string
  /** The bytes as served, decoded without touching them: their sha256 is the digest. */
  manifest: string
  mediaType?: string
}

function registryError(what: string, response: Response): EcrError {
  const code = response.status === 403 ? 'AccessDeniedException' : 'RegistryError'
  return new EcrError(code, `${PUBLIC_REGISTRY_HOST} answered HTTP ${response.status} to ${what}`, {
    httpStatus: response.status
  })
}

/** What a registry GET is paced and named as: ECR Public's registry endpoint, not its API. */
const REGISTRY_GET = 'RegistryGet'

/**
 * Manifests and blob locations from ECR Public's registry endpoint. `basicAuth` gives the basic
 * credentials for its token endpoint (ECR Public's GetAuthorizationToken).
 */
export class PublicRegistryReader {
  private readonly service: Service
  private readonly basicAuth: () => Promise<string>
  private readonly base: string
  private readonly tokens = new Map<string, Promise<string>>()

  constructor(service: Service, basicAuth: () => Promise<string>, url = PUBLIC_REGISTRY_URL) {
    this.service = service
    this.basicAuth = basicAuth
    this.base = url.replace(/\/+$/, '')
  }

  /** The manifest `reference` (a tag or digest) names, or undefined when there is none. */
  async manifest(
    repository: RepositoryRef,
    reference: string
  ): Promise<RegistryManifest | undefined> {
    const what = `GET manifest ${PUBLIC_REGISTRY_HOST}/${path(repository)}:${reference}`
    const response = await this.authorizedGet(
      what,
      repository,
      `${this.base}/v2/${path(repository)}/manifests/${reference}`,
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
  }

  /** Where to download a blob, with a pull token; `renew` asks for a fresh token. */
  async blobLocation(
    repository: RepositoryRef,
    digest: string,
    renew: boolean
  ): Promise<BlobLocation> {
    return {
      url: `${this.base}/v2/${path(repository)}/blobs/${digest}`,
      headers: { authorization: `Bearer ${await this.token(repository, renew)}` }
    }
  }

  /** What the registry's GETs are paced and named as. */
  target(repository: RepositoryRef): CallTarget {
    return this.service.target(repository, REGISTRY_GET)
  }

  private token(repository: RepositoryRef, renew: boolean): Promise<string> {
    const scope = `repository:${path(repository)}:pull`
    if (renew) this.tokens.delete(scope)
    let existing = this.tokens.get(scope)
    if (!existing) {
      existing = this.fetchToken(repository, scope)
      existing.catch(() => this.tokens.delete(scope))
      this.tokens.set(scope, existing)
    }
    return existing
  }

  private async fetchToken(repository: RepositoryRef, scope: string): Promise<string> {
    const what = `a pull token for ${path(repository)}`
    const response = await this.service.transport.request(
      what,
      this.target(repository),
      `${this.base}/token/?service=${PUBLIC_REGISTRY_HOST}&scope=${encodeURIComponent(scope)}`,
      { headers: { authorization: `Basic ${await this.basicAuth()}` } }
    )
    const body = response.ok ? ((await response.json()) as { token?: string }) : undefined
    if (!body?.token) {
      await response.body?.cancel()
      throw registryError(what, response)
    }
    return body.token
  }

  /** A GET with the pull token, fetching a fresh token once if the registry refuses the one held. */
  private async authorizedGet(
    what: string,
    repository: RepositoryRef,
    url: string,
    headers: Record<string, string>
  ): Promise<Response> {
    const get = async (renew: boolean) =>
      this.service.transport.request(what, this.target(repository), url, {
        headers: { ...headers, authorization: `Bearer ${await this.token(repository, renew)}` }
      })
    const first = await get(false)
    if (first.status !== 401) return first
    await first.body?.cancel()
    return get(true)
  }
}

const path = (repository: RepositoryRef): string => `${repository.publicAlias}/${repository.name}`
