// The HTTP face: ECR's JSON 1.1 protocol on POST /, presigned-style blob downloads on GET /blobs/,
// and ECR Public's registry endpoint on /v2/ and /token.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EmulatorSettings, Operation, OperationContext } from './context.js'
import { Downloads } from './downloads.js'
import { ServiceError } from './errors.js'
import { Faults, type FaultKind, type FaultOptions } from './faults.js'
import { Listener } from './listener.js'
import {
  batchDeleteImage,
  batchGetImage,
  describeImages,
  getLifecyclePolicy,
  putImage,
  putLifecyclePolicy,
  updateImageStorageClass
} from './operations/images.js'
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  getDownloadUrlForLayer,
  initiateLayerUpload,
  uploadLayerPart
} from './operations/layers.js'
import { listImageReferrers } from './operations/referrers.js'
import { describeImageScanFindings, describeImageSigningStatus } from './operations/scanning.js'
import {
  createRepository,
  describeRepositories,
  describeRepositoryCreationTemplates,
  putImageTagMutability
} from './operations/repositories.js'
import { PUBLIC_OPERATIONS } from './operations/public.js'
import { Quotas, type QuotaSetting } from './quotas.js'
import {
  getAccountSetting,
  getSigningConfiguration,
  putSigningConfiguration,
  getAuthorizationToken,
  putAccountSetting
} from './operations/registry-access.js'
import { PRIVATE_REGISTRY_PREFIX, PrivateRegistry } from './private-registry.js'
import { RegistryEndpoint } from './registry.js'
import { PUBLIC_PARTITION, type Store } from './store.js'
import type { TlsMaterial } from './tls.js'

const ECR_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'
const PUBLIC_PREFIX = 'SpencerFrontendService.'

const OPERATIONS: Record<string, Operation> = {
  CreateRepository: createRepository,
  DescribeRepositories: describeRepositories,
  DescribeRepositoryCreationTemplates: describeRepositoryCreationTemplates,
  PutImageTagMutability: putImageTagMutability,
  BatchGetImage: batchGetImage,
  PutImage: putImage,
  DescribeImages: describeImages,
  UpdateImageStorageClass: updateImageStorageClass,
  GetLifecyclePolicy: getLifecyclePolicy,
  PutLifecyclePolicy: putLifecyclePolicy,
  BatchDeleteImage: batchDeleteImage,
  BatchCheckLayerAvailability: batchCheckLayerAvailability,
  InitiateLayerUpload: initiateLayerUpload,
  UploadLayerPart: uploadLayerPart,
  CompleteLayerUpload: completeLayerUpload,
  GetDownloadUrlForLayer: getDownloadUrlForLayer,
  ListImageReferrers: listImageReferrers,
  DescribeImageScanFindings: describeImageScanFindings,
  DescribeImageSigningStatus: describeImageSigningStatus,
  GetAccountSetting: getAccountSetting,
  GetSigningConfiguration: getSigningConfiguration,
  PutSigningConfiguration: putSigningConfiguration,
  PutAccountSetting: putAccountSetting,
  GetAuthorizationToken: getAuthorizationToken
}

export interface RequestLogEntry {
  /**
   * ECR operation; `ecr-public:<Operation>` for ECR Public's API; `registry:GetToken`,
   * `registry:GetManifest` and `registry:GetBlob` for its registry endpoint; `BlobDownload` for a
   * GET of a download URL.
   */
  operation: string
  registryId?: string
  region?: string
  repositoryName?: string
  /** The request body, with blob parts replaced by their length. */
  body?: Record<string, unknown>
  /** 0 when no answer was sent: a dropped connection, or a stall (logged when it starts). */
  status: number
  /** The error answered; for `drop-after`, the error the caller never heard. */
  errorType?: string
  fault?: FaultKind
  startedAt: number
  durationMs: number
}

/** What a request hook may answer instead of the emulator: a response, or a dropped connection. */
export type HookReply = { status: number; body: unknown } | { drop: true } | undefined | void

export interface RequestInfo {
  operation: string
  body: Record<string, unknown>
  account: string
  region: string
}

export type RequestHook = (request: RequestInfo) => HookReply | Promise<HookReply>

export interface ServerOptions {
  port?: number
  latencyMs?: number
  accounts?: Record<string, string>
  defaultAccount?: string
  faults?: FaultOptions
  quotas?: QuotaSetting
  /** The quotas' clock, in milliseconds. */
  now?: () => number
  tls?: TlsMaterial
  settings: EmulatorSettings
  store: Store
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function loggedBody(body: Record<string, unknown>): Record<string, unknown> {
  if (typeof body.layerPartBlob !== 'string') return body
  return { ...body, layerPartBlob: `<${Math.floor((body.layerPartBlob.length * 3) / 4)} bytes>` }
}

type Reply = [status: number, type: string, message: string]
const FAULT_REPLIES: Record<Exclude<FaultKind, 'drop' | 'drop-after' | 'stall'>, Reply> = {
  throttling: [400, 'ThrottlingException', 'Rate exceeded'],
  'too-many-requests': [429, 'ThrottlingException', 'Rate exceeded'],
  'limit-exceeded': [
    400,
    'LimitExceededException',
    'The operation did not succeed because it would have exceeded a service limit for your account.'
  ],
  'server-error': [500, 'ServerException', 'Internal server error'],
  unavailable: [503, 'ServiceUnavailable', 'Service Unavailable']
}

export class EmulatorServer extends EventEmitter {
  readonly store: Store
  readonly log: RequestLogEntry[] = []
  readonly faults = new Faults()
  readonly quotas = new Quotas()
  latencyMs: number
  hook: RequestHook | undefined
  url = ''
  private readonly listener: Listener
  private readonly downloads = new Downloads(this)
  private readonly options: ServerOptions

  /** ECR Public's registry endpoint: token, manifests and blobs over the OCI distribution API. */
  readonly registry: RegistryEndpoint
  /** ECR's registry OCI API, for blob mounting: POST /v2/NAME/blobs/uploads/?mount=&from=. */
  readonly privateRegistry: PrivateRegistry

  constructor(options: ServerOptions) {
    super()
    this.options = options
    this.store = options.store
    this.registry = new RegistryEndpoint(this)
    this.privateRegistry = new PrivateRegistry(this)
    this.latencyMs = options.latencyMs ?? 0
    this.faults.configure(options.faults)
    this.quotas.configure(options.quotas)
    this.listener = new Listener(
      (request, response) => void this.handle(request, response),
      options.tls
    )
  }

  async listen(): Promise<string> {
    this.url = await this.listener.listen(this.options.port)
    return this.url
  }

  /** Shuts down promptly: open sockets, stalled ones included, are destroyed. */
  close(): Promise<void> {
    return this.listener.close()
  }

  connections() {
    return this.listener.connections()
  }

  resetConnections(): void {
    this.listener.resetCounts()
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry)
    this.emit('request', entry)
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now()
    try {
      if (request.method === 'GET' && request.url?.startsWith('/blobs/'))
        return await this.downloads.serve(request, response, startedAt)
      if (request.url?.startsWith(`${PRIVATE_REGISTRY_PREFIX}/`))
        return await this.privateRegistry.handle(request, response, startedAt)
      if (
        (request.method === 'GET' || request.method === 'HEAD') &&
        (request.url?.startsWith('/v2/') || request.url?.startsWith('/token'))
      )
        return await this.registry.handle(request, response, startedAt)
      if (request.method !== 'POST' || (request.url !== '/' && !request.url?.startsWith('/?'))) {
        response.writeHead(404).end()
        return
      }
      await this.api(request, response, startedAt)
    } catch (error) {
      if (!response.headersSent)
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
    }
  }

  private account(accessKey: string): string {
    return this.options.accounts?.[accessKey] ?? this.options.defaultAccount ?? '123456789012'
  }

  private async api(
    request: IncomingMessage,
    response: ServerResponse,
    startedAt: number
  ): Promise<void> {
    const raw = await readBody(request)
    const target = String(request.headers['x-amz-target'] ?? '')
    const isPublic = target.startsWith(PUBLIC_PREFIX)
    const name = isPublic
      ? target.slice(PUBLIC_PREFIX.length)
      : target.startsWith(ECR_PREFIX)
        ? target.slice(ECR_PREFIX.length)
        : target
    const operation = isPublic ? `ecr-public:${name}` : name
    const entry: RequestLogEntry = { operation, status: 200, startedAt, durationMs: 0 }
    const reply = (status: number, body: unknown, errorType?: string): void => {
      const text = JSON.stringify(body)
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': randomUUID()
      })
      response.end(text)
      this.record({
        ...entry,
        status,
        ...(errorType && { errorType }),
        durationMs: Date.now() - startedAt
      })
    }
    const fail = (error: ServiceError): void =>
      reply(
        error.status,
        { __type: error.type, message: error.message, ...error.extra },
        error.type
      )

    const scope = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(
      String(request.headers.authorization ?? '')
    )
    if (!scope) {
      return fail(
        new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403)
      )
    }
    const [, accessKey, region] = scope as unknown as [string, string, string]
    const account = this.account(accessKey)
    let body: Record<string, unknown>
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {}
    } catch {
      return fail(
        new ServiceError(
          'SerializationException',
          'Start of structure or map found where not expected.'
        )
      )
    }
    Object.assign(entry, {
      region,
      registryId: (body.registryId as string | undefined) ?? account,
      ...(typeof body.repositoryName === 'string' && { repositoryName: body.repositoryName }),
      body: loggedBody(body)
    })

    if (this.latencyMs > 0) await sleep(this.latencyMs)
    const hooked = await this.hook?.({ operation, body, account, region })
    if (hooked && 'drop' in hooked) return this.drop(request, entry)
    if (hooked)
      return reply(
        hooked.status,
        hooked.body,
        (hooked.body as { __type?: string } | undefined)?.__type
      )

    const fault = this.faults.pick(operation)
    if (fault === 'drop') return this.drop(request, { ...entry, fault })
    if (fault === 'stall') return this.record({ ...entry, status: 0, fault })
    if (fault && fault !== 'drop-after') {
      const [status, type, message] = FAULT_REPLIES[fault]
      entry.fault = fault
      return reply(status, { __type: type, message }, type)
    }
    // ECR's throttling: HTTP 400 ThrottlingException, logged without a fault.
    if (!this.quotas.take(account, region, operation, this.options.now?.() ?? performance.now()))
      return fail(new ServiceError('ThrottlingException', 'Rate exceeded'))

    const handler = (isPublic ? PUBLIC_OPERATIONS : OPERATIONS)[name]
    if (!handler)
      return fail(
        new ServiceError('UnknownOperationException', `Unknown operation ${target || '(none)'}`)
      )
    // ECR Public's API lives in us-east-1 alone.
    if (isPublic && region !== 'us-east-1') {
      return fail(
        new ServiceError(
          'UnsupportedCommandException',
          'The action is not supported in this Region.'
        )
      )
    }
    let result: unknown
    let failure: ServiceError | undefined
    try {
      result = handler(this.context(account, isPublic ? PUBLIC_PARTITION : region, body))
    } catch (error) {
      failure =
        error instanceof ServiceError ? error : new ServiceError('ServerException', String(error))
    }
    // Applied, whatever the outcome, and never heard.
    if (fault === 'drop-after')
      return this.drop(request, { ...entry, fault, ...(failure && { errorType: failure.type }) })
    if (failure) return fail(failure)
    reply(200, result)
  }

  private context(
    account: string,
    region: string,
    body: Record<string, unknown>
  ): OperationContext {
    return {
      store: this.store,
      settings: this.options.settings,
      account,
      region,
      body,
      blobUrl: (registryId, blobRegion, repository, digest) =>
        this.grantDownload(registryId, blobRegion, repository, digest),
      registryUrl: (registryId, registryRegion) =>
        `${this.url}${PRIVATE_REGISTRY_PREFIX}/${registryId}/${registryRegion}`
    }
  }

  /** A loopback URL that serves one blob, as S3 serves a presigned URL. */
  grantDownload(registryId: string, region: string, repository: string, digest: string): string {
    return this.downloads.grant(registryId, region, repository, digest)
  }

  private drop(request: IncomingMessage, entry: RequestLogEntry): void {
    request.socket.destroy()
    this.record({ ...entry, status: 0, durationMs: Date.now() - entry.startedAt })
  }
}
