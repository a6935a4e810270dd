// ECR's registry OCI API, as far as a promotion uses it: blob mounting. ECR serves it at
// https://ACCOUNT.dkr.ecr.REGION.amazonaws.com; here each registry has a loopback base,
// /registry/ACCOUNT/REGION, which GetAuthorizationToken hands out as its proxyEndpoint. A caller
// authenticates with Basic and the token's password, as `docker login` does.
//
// POST /v2/NAME/blobs/uploads/?mount=DIGEST&from=SOURCE mounts when the registry's BLOB_MOUNTING
// setting is ENABLED, SOURCE is a repository of the same registry holding the blob, and both
// repositories are encrypted the same way (type and key): 201 Created with the digest. Otherwise,
// and without mount parameters, it opens an upload session: 202 Accepted with its Location, as the
// OCI distribution specification says (this emulator takes no bytes there; the layer API does).
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultKind, Faults } from './faults.js'
import type { RequestLogEntry } from './server.js'
import type { Repository, Store } from './store.js'

export const PRIVATE_REGISTRY_PREFIX = '/registry'

interface Host {
  readonly store: Store
  readonly faults: Faults
  readonly latencyMs: number
  record(entry: RequestLogEntry): void
}

const FAULT_STATUS: Partial<Record<FaultKind, [number, string]>> = {
  throttling: [429, 'TOOMANYREQUESTS'],
  'too-many-requests': [429, 'TOOMANYREQUESTS'],
  'server-error': [500, 'UNKNOWN'],
  unavailable: [503, 'UNAVAILABLE']
}

const PATH = /^\/registry\/(\d{12})\/([a-z0-9-]+)\/v2\/(.+)\/blobs\/uploads\/([^/?]*)$/

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const sameEncryption = (a: Repository, b: Repository): boolean =>
  a.encryption.encryptionType === b.encryption.encryptionType &&
  a.encryption.kmsKey === b.encryption.kmsKey

export class PrivateRegistry {
  private readonly host: Host

  constructor(host: Host) {
    this.host = host
  }

  async handle(request: IncomingMessage, response: ServerResponse, startedAt: number) {
    const url = new URL(request.url!, 'http://registry')
    const match = PATH.exec(url.pathname)
    const [, registryId, region, name, session] = match ?? []
    const mount = url.searchParams.get('mount')
    const from = url.searchParams.get('from')
    const entry: Omit<RequestLogEntry, 'status' | 'durationMs'> = {
      operation: request.method === 'DELETE' ? 'registry:CancelUpload' : 'registry:MountBlob',
      startedAt,
      ...(registryId && { registryId }),
      ...(region && { region }),
      body: { repositoryName: name, ...(mount && { mount }), ...(from && { from }) }
    }
    const answer = (status: number, headers: Record<string, string>, errorType?: string) => {
      response
        .writeHead(status, headers)
        .end(errorType ? JSON.stringify({ errors: [{ code: errorType, message: errorType }] }) : '')
      this.host.record({
        ...entry,
        status,
        ...(errorType && { errorType }),
        durationMs: Date.now() - startedAt
      })
    }
    if (this.host.latencyMs > 0) await sleep(this.host.latencyMs)
    const fault = this.host.faults.pick(entry.operation)
    const faulted = fault && FAULT_STATUS[fault]
    if (faulted) return answer(faulted[0], { 'content-type': 'application/json' }, faulted[1])
    if (!match) return answer(404, { 'content-type': 'application/json' }, 'NAME_UNKNOWN')
    if (!this.authorized(request, registryId!, region!)) {
      return answer(
        401,
        {
          'content-type': 'application/json',
          'www-authenticate': `Basic realm="${registryId}.dkr.ecr.${region}.amazonaws.com",service="ecr.amazonaws.com"`
        },
        'DENIED'
      )
    }
    const target = this.host.store.find(registryId!, region!, name!)
    if (!target) return answer(404, { 'content-type': 'application/json' }, 'NAME_UNKNOWN')
    if (request.method === 'DELETE') return answer(204, {})
    if (request.method !== 'POST' || session !== '')
      return answer(405, { 'content-type': 'application/json' }, 'UNSUPPORTED')
    if (mount && from && this.mounts(target, mount, from)) {
      target.blobs.set(mount, this.host.store.find(registryId!, region!, from)!.blobs.get(mount)!)
      return answer(201, {
        location: `/v2/${name}/blobs/${mount}`,
        'docker-content-digest': mount,
        'content-length': '0'
      })
    }
    const uuid = randomUUID()
    answer(202, {
      location: `${PRIVATE_REGISTRY_PREFIX}/${registryId}/${region}/v2/${name}/blobs/uploads/${uuid}`,
      'docker-upload-uuid': uuid,
      range: '0-0',
      'content-length': '0'
    })
  }

  private authorized(request: IncomingMessage, registryId: string, region: string): boolean {
    const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1]
    if (!basic) return false
    const [user, password] = Buffer.from(basic, 'base64').toString('utf8').split(':')
    const opens = this.host.store.privatePasswords.get(password ?? '')
    return user === 'AWS' && opens?.registryId === registryId && opens.region === region
  }

  /** Whether ECR would mount `digest` from `from` into `target`, per the rules above. */
  private mounts(target: Repository, digest: string, from: string): boolean {
    const { registryId, region } = target
    if (this.host.store.accountSetting(registryId, region, 'BLOB_MOUNTING') !== 'ENABLED')
      return false
    const source = this.host.store.find(registryId, region, from)
    return source !== undefined && source.blobs.has(digest) && sameEncryption(source, target)
  }
}
