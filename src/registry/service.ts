// What ECR and ECR Public have in common at the wire: an SDK client that sends a command for a
// repository, paced and retried by the one transport policy. A call is typed by its command: its
// output type and its operation name (which paces it and names it in messages) come from the SDK's
// command class, never from the caller.
import type { MetadataBearer } from '@smithy/types'
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import type { CallTarget, Transport } from './transport.js'

export { endpointOf } from './endpoints.js'

/**
 * A command of either SDK that answers `O`: the part of the SDK's command type that says what it
 * answers. What is sent is checked where each command is built, by its class's constructor; what
 * is read, by `O`, so a field the SDK renames fails to compile.
 */
export interface SdkCommand<O extends MetadataBearer> {
  readonly input: object
  resolveMiddleware(
    stack: never,
    configuration: never,
    options: never
  ): (args: never) => Promise<{ output: O }>
}

/** An SDK client (ECRClient, ECRPUBLICClient), as far as the seam uses it. */
export interface SdkClient {
  send<O extends MetadataBearer>(
    command: SdkCommand<O>,
    options: { abortSignal: AbortSignal }
  ): Promise<O>
}

export interface SendOptions {
  /** What the call is about beyond its operation and repository, for messages (a tag, a digest). */
  about?: string
  /** This call's attempt timeout, when its size calls for more than the default (a layer part). */
  timeoutMs?: number
  /** Attempts for transient faults, when the caller heals them itself. */
  maxAttempts?: number
  /** A write: not sent once the run is stopping. */
  write?: boolean
  /** Nor once this aborts. */
  notAfter?: AbortSignal
  /** A write sent even once the run is stopping (a rollback's); `notAfter` still bounds it. */
  despiteStop?: boolean
}

/**
 * The operation a command calls, as the SDK's command class names it (its operation schema): what
 * the call is paced by and named as.
 */
export function operationOf(command: object): string {
  const schema: unknown = 'schema' in command ? command.schema : undefined
  const name: unknown = Array.isArray(schema)
    ? schema[2]
    : typeof schema === 'object' && schema !== null && 'name' in schema
      ? schema.name
      : undefined
  if (typeof name !== 'string')
    throw new TypeError('The AWS SDK command carries no operation name (its schema changed)')
  return name
}

/**
 * Every page of a paginated call, in order: `page(token)` sends the call for one page; paging ends
 * at a page without a nextToken, or one after which `more` says to stop.
 */
export async function allPages<T extends { nextToken?: string | undefined }>(
  page: (nextToken: string | undefined) => Promise<T>,
  more: (page: T) => boolean = () => true
): Promise<T[]> {
  const pages: T[] = []
  let nextToken: string | undefined
  do {
    const output = await page(nextToken)
    pages.push(output)
    nextToken = more(output) ? output.nextToken : undefined
  } while (nextToken)
  return pages
}

/** The signals after which a write is not sent, as one; none when there are none. */
function notAfter(signals: Array<AbortSignal | undefined>): { notAfter?: AbortSignal } {
  const given = signals.filter((signal): signal is AbortSignal => signal !== undefined)
  if (given.length === 0) return {}
  return { notAfter: given.length === 1 ? given[0]! : AbortSignal.any(given) }
}

export interface ServiceOptions {
  /** 'ECR' or 'ECR Public', as messages name the service. */
  name: string
  /** The service's SDK client for a region. */
  client: (region: string) => SdkClient
  /** Its endpoint in a region, as messages name it. */
  endpoint: (region: string) => string
  /** Once aborted, no write is sent. */
  stopWrites?: AbortSignal
}

/** One service's calls, each through the transport's one policy. */
export class Service {
  readonly name: string
  readonly transport: Transport
  private readonly options: ServiceOptions

  constructor(transport: Transport, options: ServiceOptions) {
    this.transport = transport
    this.name = options.name
    this.options = options
  }

  /** Sends `command` for `repository`: paced, timed out and retried; errors come back as EcrError. */
  send<O extends MetadataBearer>(
    repository: RepositoryRef,
    command: SdkCommand<O>,
    options: SendOptions = {}
  ): Promise<O> {
    const target = this.target(repository, operationOf(command), options)
    const where = repository.name === '' ? `(${this.name})` : describeRepository(repository)
    const label = `${target.operation} ${where}${options.about ? ` ${options.about}` : ''}`
    return this.transport.call(label, target, (abortSignal) =>
      this.options.client(repository.region).send(command, { abortSignal })
    )
  }

  /** Where a call of `operation` for `repository` goes: what paces it and how errors name it. */
  target(repository: RepositoryRef, operation: string, options: SendOptions = {}): CallTarget {
    return {
      operation,
      registry: repository.registryId ?? repository.publicAlias ?? 'default',
      region: repository.region,
      isPublic: repository.publicAlias !== undefined,
      endpoint: this.options.endpoint(repository.region),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
      ...(options.write &&
        notAfter([options.despiteStop ? undefined : this.options.stopWrites, options.notAfter]))
    }
  }
}
