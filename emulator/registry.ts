// ECR Public's registry endpoint (public.ecr.aws), the way clients pull from it: a bearer token from
// /token/ (anonymous, or Basic with GetAuthorizationToken's password), then manifests and blobs
// under /v2/ALIAS/NAME/. Blobs answer with a redirect to a download URL, as public.ecr.aws does.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultKind, Faults } from './faults.js'
import type { RequestLogEntry } from './server.js'
import { PUBLIC_PARTITION, type Repository, type Store } from './store.js'

interface Host {
  readonly store: Store
  readonly faults: Faults
  readonly latencyMs: number
  readonly url: string
  record(entry: RequestLogEntry): void
  grantDownload(registryId: string, region: string, repository: string, digest: string): string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const FAULT_STATUS: Partial<Record<FaultKind, [number, string]>> = {
  throttling: [429, 'TOOMANYREQUESTS'],
  'too-many-requests': [429, 'TOOMANYREQUESTS'],
  'limit-exceeded': [429, 'TOOMANYREQUESTS'],
  'server-error': [500, 'UNKNOWN'],
  unavailable: [503, 'UNAVAILABLE']
}

export class RegistryEndpoint {
  /** Bearer token -> the ALIAS/NAME it may pull. */
  private readonly tokens = new Map<string, string>()
  private readonly host: Host

  constructor(host: Host) {
    this.host = host
  }

  /** Forgets every token handed out, as if they had expired. */
  expireTokens(): void {
    this.tokens.clear()
  }

  async handle(request: IncomingMessage, response: ServerResponse, startedAt: number) {
    const url = new URL(request.url!, 'http://registry')
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname)
    const operation = url.pathname.startsWith('/token')
      ? 'registry:GetToken'
      : match?.[2] === 'blobs'
        ? 'registry:GetBlob'
        : 'registry:GetManifest'
    const entry = { operation, startedAt, body: {} as Record<string, unknown> }
    const answer = (
      status: number,
      headers: Record<string, string | number>,
      body?: string | Buffer,
      errorType?: string
    ): void => {
      response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body)
      this.host.record({
        ...entry,
        status,
        ...(errorType && { errorType }),
        durationMs: Date.now() - startedAt
      })
    }
    const error = (status: number, code: string, message: string, headers = {}): void =>
      answer(
        status,
        { 'content-type': 'application/json', ...headers },
        JSON.stringify({ errors: [{ code, message }] }),
        code
      )

    if (this.host.latencyMs > 0) await sleep(this.host.latencyMs)
    const fault = this.host.faults.pick(operation)
    // Accepted, never answered: the socket stays open until the client or close() ends it.
    if (fault === 'stall') return this.host.record({ ...entry, status: 0, fault, durationMs: 0 })
    if (fault === 'drop' || fault === 'drop-after') {
      request.socket.destroy()
      this.host.record({ ...entry, status: 0, fault, durationMs: Date.now() - startedAt })
      return
    }
    const faulted = fault && FAULT_STATUS[fault]
    if (faulted) return error(faulted[0], faulted[1], 'injected fault')

    if (operation === 'registry:GetToken')
      return this.token(request, url, entry.body, answer, error)
    if (!match) return error(404, 'NAME_UNKNOWN', 'Not found')
    const [, path, kind, reference] = match as unknown as [string, string, string, string]
    Object.assign(entry.body, { path, reference })
    const granted = this.tokens.get(
      /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? ''
    )
    if (granted !== path) {
      return error(401, 'DENIED', 'Not Authorized', {
        'www-authenticate': `Bearer realm="${this.host.url}/token/",service="public.ecr.aws",scope="aws"`
      })
    }
    const repository = this.repository(path)
    if (!repository) return error(404, 'NAME_UNKNOWN', `The repository '${path}' does not exist`)
    if (kind === 'blobs') {
      if (!repository.blobs.has(reference))
        return error(404, 'BLOB_UNKNOWN', 'blob unknown to registry')
      const location = this.host.grantDownload(
        repository.registryId,
        PUBLIC_PARTITION,
        repository.name,
        reference
      )
      return answer(307, { location, 'content-length': 0 })
    }
    const digest = reference.startsWith('sha256:') ? reference : repository.tags.get(reference)
    const image = digest ? repository.images.get(digest) : undefined
    if (!image) return error(404, 'MANIFEST_UNKNOWN', 'Requested image not found')
    const accept = String(request.headers.accept ?? '')
    if (accept !== '' && !accept.includes(image.mediaType) && !accept.includes('*/*')) {
      return error(
        404,
        'MANIFEST_UNKNOWN',
        `The manifest is ${image.mediaType}, which the Accept header does not list`
      )
    }
    const bytes = Buffer.from(image.manifest, 'utf8')
    answer(
      200,
      {
        'content-type': image.mediaType,
        'content-length': bytes.length,
        'docker-content-digest': image.digest
      },
      bytes
    )
  }

  private repository(path: string): Repository | undefined {
    const slash = path.indexOf('/')
    const registry = this.host.store.publicRegistryByAlias(path.slice(0, slash))
    return (
      registry && this.host.store.find(registry.registryId, PUBLIC_PARTITION, path.slice(slash + 1))
    )
  }

  private token(
    request: IncomingMessage,
    url: URL,
    logged: Record<string, unknown>,
    answer: (status: number, headers: Record<string, string>, body: string) => void,
    error: (status: number, code: string, message: string) => void
  ): void {
    const scope = /^repository:(.+):pull(?:,push)?$/.exec(url.searchParams.get('scope') ?? '')
    const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1]
    const password = basic && Buffer.from(basic, 'base64').toString('utf8').replace(/^AWS:/, '')
    Object.assign(logged, { scope: url.searchParams.get('scope'), authenticated: !!basic })
    if (basic && !this.host.store.publicPasswords.has(password!))
      return error(401, 'DENIED', 'Your authorization token is invalid or has expired')
    if (!scope)
      return error(400, 'UNSUPPORTED', 'A pull scope repository:ALIAS/NAME:pull is required')
    const token = randomUUID()
    this.tokens.set(token, scope[1]!)
    answer(200, { 'content-type': 'application/json' }, JSON.stringify({ token }))
  }
}
