// The one transport policy: how every call to ECR, ECR Public and their registry endpoints is made,
// paced, timed out and retried. The SDK clients make one attempt each; everything else is decided
// here, the same way for SDK calls, registry reads and blob downloads.
import {
  isClockSkewCorrectedError,
  isRetryableByTrait,
  isServerError,
  isThrottlingError,
  isTransientError
} from '@smithy/core/retry'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { EcrError, type FailureKind } from './errors.js'
import { Pacer, type PacingOptions, type Sleep } from './pacing.js'
import { warmAgents, Warmer } from './preconnect.js'

export interface Timeouts {
  /** Opening a connection (TCP and TLS). */
  connectMs: number
  /** One attempt of one call, from sending the request to the whole answer. */
  requestMs: number
  /** A download that delivers no byte for this long is dropped and resumed. */
  stallMs: number
  /**
   * ECR answering nothing at all for this long (every call timing out, none answered) stops the
   * retries: an endpoint that accepts connections and never answers fails the run within minutes.
   */
  silenceMs: number
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 5_000,
  requestMs: 20_000,
  stallMs: 30_000,
  silenceMs: 100_000
}

export interface TransportOptions {
  /** Attempts per call for transient faults (5xx, dropped connections, timeouts), first included. */
  maxAttempts?: number
  /** Backoff before retry `attempt` (1-based), in ms. Unset: jittered exponential backoff. */
  retryDelay?: (attempt: number) => number
  timeouts?: Partial<Timeouts>
  /** Requests per second by operation, over ECR's defaults (a raised PutImage quota, say). */
  rates?: PacingOptions['rates']
  /** How long a call may go on being throttled before it fails, when no deadline says otherwise. */
  throttlePatienceMs?: number
  /** Aborts every call in flight and every wait: the run is over (cancelled, or past its deadline). */
  signal?: AbortSignal
  /** One line per call, for step debug logs. */
  debug?: (line: string) => void
  userAgent?: string
  /** Stands in for fetch in tests that shape a download. */
  fetch?: typeof fetch
  /** The clock the pacing keeps time by; tests run it faster, with the local ECR on the same one. */
  clock?: Clock
}

/** Time as the pacing sees it: now, in milliseconds, and a wait that a signal gives up. */
export interface Clock {
  now(): number
  sleep: Sleep
}

/**
 * Twelve attempts for faults that pass (5xx, dropped connections): with jittered exponential
 * backoff (50 ms base, capped at 20 s) a brief ECR outage is ridden out, and even with 40% of
 * requests failing a call fails once in sixty thousand. Timeouts are bounded apart, by silenceMs.
 */
export const DEFAULT_MAX_ATTEMPTS = 12
const MAX_DELAY_MS = 20_000
const BASE_DELAY_MS = 50
/** Throttled calls back off longer, as the SDK's standard strategy does. */
const THROTTLED_BASE_DELAY_MS = 1_000
const THROTTLE_PATIENCE_MS = 5 * 60_000

/** Where a call goes: what paces it, and how its errors name it. */
export interface CallTarget {
  operation: string
  /** The account id (or alias) whose quota the call counts against; 'default' for the caller's. */
  registry: string
  region: string
  isPublic: boolean
  /** The endpoint, as error messages name it. */
  endpoint: string
  /** This call's attempt timeout, when its size calls for more than requestMs (a layer part). */
  timeoutMs?: number
  /** Attempts for transient faults, when the caller heals them itself (a lost completion). */
  maxAttempts?: number
  /** Once aborted, the call is not sent: a stopping run starts no new write. */
  notAfter?: AbortSignal
}

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

type Classified = Exclude<FailureKind, 'cancelled' | 'not-sent'>

/** How an SDK error is retried: the SDK's own classification, but the tag limit is permanent. */
function classifySdkError(error: unknown): Classified {
  if (typeof error !== 'object' || error === null) return 'permanent'
  const sdkError = error as Parameters<typeof isThrottlingError>[0]
  // ECR answers LimitExceededException for limits that do not pass (1,000 tags per image); it
  // throttles with ThrottlingException or HTTP 429.
  if (sdkError.name === 'LimitExceededException') return 'permanent'
  if (isThrottlingError(sdkError)) return 'throttled'
  // The SDK names a dropped connection TimeoutError too (code ECONNRESET): only ETIMEDOUT is silence.
  if (sdkError.name === 'TimeoutError')
    return (sdkError as { code?: string }).code === 'ETIMEDOUT' ? 'timeout' : 'transient'
  // A thrown value the SDK could not see as an Error (one from another realm) comes wrapped, its
  // name in the message: a network error all the same.
  if (/^AWS SDK error wrapper for (TimeoutError|Error): /.test(sdkError.message ?? ''))
    return 'transient'
  if (
    isRetryableByTrait(sdkError) ||
    isClockSkewCorrectedError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError)
  )
    return 'transient'
  return 'permanent'
}

/** The HTTP status an error was answered with; undefined when no answer came (a dropped
 * connection, a socket error). */
function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode
}

function toEcrError(
  error: unknown,
  { attempts, unanswered }: { attempts: number; unanswered: number },
  kind: FailureKind
): EcrError {
  if (error instanceof EcrError) return error
  const e = error as {
    name?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number; requestId?: string }
    lastValidByteReceived?: unknown
  }
  const metadata = e?.$metadata ?? {}
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error')
  return new EcrError(code, e?.message ?? String(error), {
    attempts,
    unanswered,
    kind,
    ...(typeof e?.lastValidByteReceived === 'number' && {
      lastValidByteReceived: e.lastValidByteReceived
    }),
    ...(metadata.httpStatusCode !== undefined && { httpStatus: metadata.httpStatusCode }),
    ...(metadata.requestId !== undefined && { requestId: metadata.requestId })
  })
}

/**
 * Connections that never opened, in words: the endpoint is not there or not reachable from here. A
 * few quick attempts cover a blip; a dozen over most of a minute only delay saying so.
 */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections there (connection refused)',
  ENOTFOUND: 'its host name does not resolve (DNS)',
  EAI_AGAIN: 'DNS did not answer for its host name',
  EHOSTUNREACH: 'there is no route to its host',
  ENETUNREACH: 'there is no route to its network'
}
const UNREACHABLE_ATTEMPTS = 3

function unreachableCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code in UNREACHABLE ? code : undefined
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/**
 * A registry endpoint's answer the loop retries (429: throttled; 5xx: transient), or a request that
 * got no answer at all (the network): for a GET what the SDK's errors say for an SDK call.
 */
class HttpFailure extends Error {
  readonly kind: Classified
  /** The network's error code (ECONNREFUSED, ...), read as for an SDK call. */
  readonly code: string | undefined
  readonly $metadata: { httpStatusCode?: number }
  constructor(kind: Classified, name: string, message: string, code?: string, status?: number) {
    super(message)
    this.name = name
    this.kind = kind
    this.code = code
    this.$metadata = status === undefined ? {} : { httpStatusCode: status }
  }
}

const classify = (error: unknown): Classified =>
  error instanceof HttpFailure ? error.kind : classifySdkError(error)

function networkFailure(label: string, error: unknown): HttpFailure {
  // fetch's own error says only "fetch failed"; its cause says what happened.
  const cause: unknown = error instanceof Error && error.cause !== undefined ? error.cause : error
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined
  const message =
    typeof cause === 'object' && cause !== null && 'message' in cause ? cause.message : undefined
  return new HttpFailure(
    'transient',
    'NetworkingError',
    `${label} failed: ${text(message) ?? String(cause)}`,
    text(code)
  )
}

function statusFailure(label: string, url: string, status: number): HttpFailure {
  const throttled = status === 429
  return new HttpFailure(
    throttled ? 'throttled' : 'transient',
    throttled ? 'TooManyRequestsException' : 'RegistryError',
    `${new URL(url).host} answered HTTP ${status} to ${label}`,
    undefined,
    status
  )
}

/** The request id an SDK output carries, for the debug log; '-' for anything else. */
function requestIdOf(output: unknown): string {
  if (typeof output !== 'object' || output === null || !('$metadata' in output)) return '-'
  const metadata = output.$metadata
  return typeof metadata === 'object' &&
    metadata !== null &&
    'requestId' in metadata &&
    typeof metadata.requestId === 'string'
    ? metadata.requestId
    : '-'
}

const defined = <T>(value: T | undefined): value is T => value !== undefined

export interface HttpRequest {
  /** GET unless said (a blob mount is a POST). */
  method?: 'GET' | 'POST' | 'DELETE'
  headers: Record<string, string>
  /** Aborts the request and its body from outside (a download's stall clock). */
  signal?: AbortSignal
  /** The attempt's deadline covers the answer's headers only; its body streams for as long as it
   * takes (a layer). Otherwise the deadline covers reading the whole answer. */
  streaming?: boolean
}

/** One call's attempts so far, as the retry decision counts them. */
interface Attempts {
  attempt: number
  /** Attempts whose answer never came: timed out, or the connection dropped. */
  unanswered: number
  /** Attempts that failed for a transient fault or a timeout. */
  transient: number
  throttles: number
  throttledSince?: number
}

/** The SDK's own HTTP handler defaults: keep-alive, fifty sockets per origin. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 }

/**
 * The one policy, in the shape of one retrying transport every request goes through: SDK calls
 * (`call`), registry requests and downloads (`request`), and a caller's own retries (`pause`) are paced,
 * timed out and backed off the same way. `warmer` holds the connections opened ahead of the first
 * calls (preconnect.ts); the SDK's handler takes those sockets before it opens its own.
 */
export class Transport {
  readonly maxAttempts: number
  readonly timeouts: Timeouts
  /** Aborted once the run is over: nothing more is waited for. */
  readonly signal: AbortSignal | undefined
  readonly debug: (line: string) => void
  private readonly options: TransportOptions
  private readonly pacer: Pacer
  private readonly handler: NodeHttpHandler
  /** When any endpoint last answered anything: silence, not one slow call, is what ends retries. */
  private lastAnswer = performance.now()

  constructor(options: TransportOptions = {}, warmer: Warmer = new Warmer({ enabled: false })) {
    this.options = options
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
    this.signal = options.signal
    this.debug = options.debug ?? (() => {})
    this.pacer = new Pacer({
      ...(options.rates && { rates: options.rates }),
      sleep: options.clock?.sleep ?? sleep,
      ...(options.clock && { now: () => options.clock!.now() })
    })
    this.handler = new NodeHttpHandler({
      ...warmAgents(warmer, AGENT_OPTIONS),
      // Each attempt has its own deadline (an abort signal sized to the call, longer for a layer
      // part or a completion): a handler-wide request timeout would cut those short.
      connectionTimeout: this.timeouts.connectMs
    })
  }

  /** The settings every SDK client is made with: one attempt per send, since retries are ours. */
  clientConfig(region: string): {
    region: string
    maxAttempts: 1
    requestHandler: NodeHttpHandler
    customUserAgent?: string
  } {
    return {
      region,
      maxAttempts: 1,
      requestHandler: this.handler,
      ...(this.options.userAgent && { customUserAgent: this.options.userAgent })
    }
  }

  /** The backoff before retry `attempt` (1-based). */
  delay(attempt: number): number {
    return this.backoff(attempt, BASE_DELAY_MS)
  }

  /** Waits out the backoff before retry `attempt` of a caller's own loop; a stop ends the wait. */
  async pause(label: string, attempt: number): Promise<void> {
    try {
      await sleep(this.delay(attempt), this.signal)
    } catch {
      throw cancelled(label, attempt, true)
    }
  }

  /** Sends one call with this policy: paced, timed out, retried; errors come back as EcrError. */
  async call<T>(
    label: string,
    target: CallTarget,
    send: (signal: AbortSignal) => Promise<T>
  ): Promise<T> {
    const started = performance.now()
    const limiter = this.pacer.limiter(target)
    const attempts: Attempts = { attempt: 0, unanswered: 0, transient: 0, throttles: 0 }
    for (;;) {
      attempts.attempt++
      await this.paced(target, label, attempts.attempt - 1)
      const timeoutMs = target.timeoutMs ?? this.timeouts.requestMs
      const timer = AbortSignal.timeout(timeoutMs)
      try {
        const output = await send(this.signal ? AbortSignal.any([timer, this.signal]) : timer)
        this.lastAnswer = performance.now()
        limiter.succeeded()
        this.debug(
          `${label}: ok in ${elapsed(started)} ms, ${attempts.attempt} attempt(s), request ${requestIdOf(output)}`
        )
        return output
      } catch (error) {
        if (this.signal?.aborted) throw cancelled(label, attempts.attempt, true)
        const kind: Classified = timer.aborted ? 'timeout' : classify(error)
        if (timer.aborted || httpStatusOf(error) === undefined) attempts.unanswered++
        if (kind !== 'timeout') this.lastAnswer = performance.now()
        if (kind === 'throttled') limiter.throttled()
        if (!this.mayRetry(kind, attempts, target, error)) {
          const failure = this.failure(error, kind, target, attempts, timeoutMs, started)
          this.debug(
            `${label}: ${failure.code} in ${elapsed(started)} ms, ${attempts.attempt} attempt(s), request ${failure.requestId ?? '-'}`
          )
          throw failure
        }
        this.debug(`${label}: ${kind} on attempt ${attempts.attempt}; retrying`)
        // Then through the limiter again, which throttling has just slowed down for every call.
        try {
          await sleep(
            kind === 'throttled'
              ? this.backoff(attempts.throttles, THROTTLED_BASE_DELAY_MS)
              : this.delay(attempts.transient),
            this.signal
          )
        } catch {
          throw cancelled(label, attempts.attempt, true)
        }
      }
    }
  }

  /**
   * A request to a registry endpoint or a download URL (a GET unless `request.method` says) through
   * the same loop: 429 is throttling, 5xx and dropped connections are transient; any other answer
   * is the caller's to read.
   */
  request(label: string, target: CallTarget, url: string, request: HttpRequest): Promise<Response> {
    const fetcher = this.options.fetch ?? fetch
    return this.call(label, { ...target, endpoint: new URL(url).origin }, async (deadline) => {
      const own = new AbortController()
      const relay = (): void => own.abort(deadline.reason)
      deadline.addEventListener('abort', relay, { once: true })
      let response: Response
      try {
        response = await fetcher(url, {
          method: request.method ?? 'GET',
          headers: request.headers,
          signal: AbortSignal.any([own.signal, request.signal, this.signal].filter(defined))
        })
      } catch (error) {
        throw networkFailure(label, error)
      } finally {
        if (request.streaming) deadline.removeEventListener('abort', relay)
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel()
        throw statusFailure(label, url, response.status)
      }
      return response
    })
  }

  private backoff(attempt: number, base: number): number {
    return this.options.retryDelay
      ? this.options.retryDelay(attempt)
      : Math.floor(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)))
  }

  /** Waits for a token from the call's limiter; a stopping run gives up the wait. */
  private async paced(target: CallTarget, label: string, attempts: number): Promise<void> {
    const waits = [this.signal, target.notAfter].filter(defined)
    try {
      await this.pacer
        .limiter(target)
        .acquire(waits.length > 0 ? AbortSignal.any(waits) : undefined)
    } catch {
      throw cancelled(label, attempts, attempts > 0)
    }
  }

  /** Whether a failed attempt is tried again: throttling for as long as patience allows, transient
   * faults and timeouts for the call's attempts, timeouts only while ECR is not silent. */
  private mayRetry(kind: Classified, attempts: Attempts, target: CallTarget, error: unknown) {
    if (unreachableCode(error) && attempts.attempt >= UNREACHABLE_ATTEMPTS) return false
    if (kind === 'throttled') {
      attempts.throttles++
      attempts.throttledSince ??= performance.now()
      return (
        elapsed(attempts.throttledSince) < (this.options.throttlePatienceMs ?? THROTTLE_PATIENCE_MS)
      )
    }
    attempts.throttledSince = undefined
    attempts.transient++
    return (
      kind !== 'permanent' &&
      attempts.transient < (target.maxAttempts ?? this.maxAttempts) &&
      (kind !== 'timeout' || elapsed(this.lastAnswer) < this.timeouts.silenceMs)
    )
  }

  /** The error a call that is not tried again ends with. */
  private failure(
    error: unknown,
    kind: Classified,
    target: CallTarget,
    { attempt, unanswered }: Attempts,
    timeoutMs: number,
    started: number
  ): EcrError {
    if (kind === 'timeout')
      return new EcrError(
        'RequestTimeout',
        `${target.operation} to ${target.endpoint} got no answer in ${seconds(timeoutMs)} (${attempt} attempt(s), ${seconds(elapsed(started))} in all)`,
        { attempts: attempt, unanswered, kind }
      )
    const unreachable = unreachableCode(error)
    if (unreachable)
      return new EcrError(
        'EndpointUnreachable',
        `the endpoint ${target.endpoint} is unreachable: ${UNREACHABLE[unreachable]} (${attempt} attempt(s) in ${seconds(elapsed(started))})`,
        { attempts: attempt, unanswered, kind }
      )
    return toEcrError(error, { attempts: attempt, unanswered }, kind)
  }
}

const elapsed = (since: number): number => Math.round(performance.now() - since)

function cancelled(label: string, attempts: number, sent: boolean): EcrError {
  return new EcrError(
    sent ? 'Cancelled' : 'NotSent',
    sent
      ? `${label} was interrupted by the run stopping; whether it took effect is not known`
      : `${label} was not sent: the run was stopping`,
    { attempts, kind: sent ? 'cancelled' : 'not-sent' }
  )
}
