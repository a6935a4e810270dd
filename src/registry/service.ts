// What ECR and ECR Public have in common at the wire: an SDK client that sends a command for a
// repository, paced and retried by the one transport policy.
import type { RepositoryRef } from '../oci/index.js'
import type { CallTarget, Transport } from './transport.js'

export { endpointOf } from './endpoints.js'

export interface SendOptions {
  /** This call's attempt timeout, when its size calls for more than the default (a layer part). */
  timeoutMs?: number
  /** Attempts for transient faults, when the caller heals them itself. */
  maxAttempts?: number
  /** A write: not sent once the run is stopping. */
  write?: boolean
  /** Nor once this aborts. */
  notAfter?: AbortSignal
}

export interface Service {
  /** 'ECR' or 'ECR Public', as messages name the service. */
  readonly name: string
  send<T>(
    label: string,
    repository: RepositoryRef,
    operation: string,
    command: object,
    options?: SendOptions
  ): Promise<T>
}

type SdkClient = {
  send(command: never, options: { abortSignal: AbortSignal }): Promise<{ $metadata: object }>
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

export function createService(
  name: string,
  transport: Transport,
  client: (region: string) => SdkClient,
  endpoint: (region: string) => string,
  stopWrites: AbortSignal | undefined
): Service {
  return {
    name,
    send<T>(
      label: string,
      repository: RepositoryRef,
      operation: string,
      command: object,
      options: SendOptions = {}
    ): Promise<T> {
      const target: CallTarget = {
        operation,
        registry: repository.registryId ?? repository.publicAlias ?? 'default',
        region: repository.region,
        isPublic: repository.publicAlias !== undefined,
        endpoint: endpoint(repository.region),
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
        ...(options.write && notAfter([stopWrites, options.notAfter]))
      }
      return transport.call(label, target, (abortSignal) =>
        client(repository.region).send(command as never, { abortSignal })
      ) as Promise<T>
    }
  }
}
