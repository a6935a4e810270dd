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
import { createWarmer, warmAgents, type Warmer } from './preconnect.js'

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

export interface Transport {
  readonly maxAttempts: number
  readonly timeouts: Timeouts
  /** Aborted once the run is over: nothing more is waited for. */
  readonly signal: AbortSignal | undefined
  /** The settings every SDK client is made with: one attempt per send, since retries are ours. */
  clientConfig(region: string): {
    region: string
    maxAttempts: 1
    requestHandler: NodeHttpHandler
    customUserAgent?: string
  }
  /** Sends one call with this policy: paced, timed out, retried; errors come back as EcrError. */
  call<T extends { $metadata: { requestId?: string } }>(
    label: string,
    target: CallTarget,
    send: (signal: AbortSignal) => Promise<T>
  ): Promise<T>
  /** A GET to a registry endpoint, retried on throttling, 5xx and dropped connections. */
  get(label: string, url: string, headers: Record<string, string>): Promise<Response>
  /** fetch with the run's signal, for downloads that time themselves (blob-download.ts). */
  fetch(url: string, init: RequestInit): Promise<Response>
  /** The backoff before retry `attempt`. */
  delay(attempt: number): number
  sleep: Sleep
  debug(line: string): void
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

function toEcrError(error: unknown, attempts: number, kind: FailureKind): EcrError {
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

/** The SDK's own HTTP handler defaults: keep-alive, fifty sockets per origin. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 }

/**
 * The one policy. `warmer` holds the connections opened ahead of the first calls (preconnect.ts);
 * the SDK's handler takes those sockets before it opens its own.
 */
export function createTransport(
  options: TransportOptions = {},
  warmer: Warmer = createWarmer({ enabled: false })
): Transport {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts }
  const debug = options.debug ?? (() => {})
  const patience = options.throttlePatienceMs ?? THROTTLE_PATIENCE_MS
  const runSignal = options.signal
  const pacer = new Pacer({
    ...(options.rates && { rates: options.rates }),
    sleep: options.clock?.sleep ?? sleep,
    ...(options.clock && { now: () => options.clock!.now() })
  })
  const backoff = (attempt: number, base: number): number =>
    options.retryDelay
      ? options.retryDelay(attempt)
      : Math.floor(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)))
  const delay = (attempt: number): number => backoff(attempt, BASE_DELAY_MS)
  // When any endpoint last answered anything: silence, not one slow call, is what ends retries.
  let lastAnswer = performance.now()
  const elapsed = (since: number): number => Math.round(performance.now() - since)
  const handler = new NodeHttpHandler({
    ...warmAgents(warmer, AGENT_OPTIONS),
    // Each attempt has its own deadline (an abort signal sized to the call, longer for a layer part
    // or a completion): a handler-wide request timeout would cut those short.
    connectionTimeout: timeouts.connectMs
  })

  const cancelled = (label: string, attempts: number, sent: boolean): EcrError =>
    new EcrError(
      sent ? 'Cancelled' : 'NotSent',
      sent
        ? `${label} was interrupted by the run stopping; whether it took effect is not known`
        : `${label} was not sent: the run was stopping`,
      { attempts, kind: sent ? 'cancelled' : 'not-sent' }
    )

  /** Waits for a token from the call's limiter; a stopping run gives up the wait. */
  async function paced(target: CallTarget, label: string, attempts: number): Promise<void> {
    const waits = [runSignal, target.notAfter].filter((s): s is AbortSignal => s !== undefined)
    try {
      await pacer.limiter(target).acquire(waits.length > 0 ? AbortSignal.any(waits) : undefined)
    } catch {
      throw cancelled(label, attempts, attempts > 0)
    }
  }

  return {
    maxAttempts,
    timeouts,
    signal: runSignal,
    debug,
    delay,
    sleep,
    clientConfig: (region) => ({
      region,
      maxAttempts: 1,
      requestHandler: handler,
      ...(options.userAgent && { customUserAgent: options.userAgent })
    }),

    async call(label, target, send) {
      const started = performance.now()
      const limiter = pacer.limiter(target)
      let throttledSince: number | undefined
      let throttles = 0
      for (let attempt = 1, transientAttempts = 0; ; attempt++) {
        await paced(target, label, attempt - 1)
        const timeoutMs = target.timeoutMs ?? timeouts.requestMs
        const timer = AbortSignal.timeout(timeoutMs)
        try {
          const output = await send(runSignal ? AbortSignal.any([timer, runSignal]) : timer)
          lastAnswer = performance.now()
          limiter.succeeded()
          debug(
            `${label}: ok in ${elapsed(started)} ms, ${attempt} attempt(s), request ${output.$metadata.requestId ?? '-'}`
          )
          return output
        } catch (error) {
          if (runSignal?.aborted) throw cancelled(label, attempt, true)
          const kind: Classified = timer.aborted ? 'timeout' : classifySdkError(error)
          if (kind !== 'timeout') lastAnswer = performance.now()
          let retry: boolean
          if (kind === 'throttled') {
            limiter.throttled()
            throttles++
            throttledSince ??= performance.now()
            retry = elapsed(throttledSince) < patience
          } else {
            throttledSince = undefined
            transientAttempts++
            retry =
              kind !== 'permanent' &&
              transientAttempts < (target.maxAttempts ?? maxAttempts) &&
              (kind !== 'timeout' || elapsed(lastAnswer) < timeouts.silenceMs)
          }
          const unreachable = unreachableCode(error)
          if (unreachable && attempt >= UNREACHABLE_ATTEMPTS) retry = false
          if (!retry) {
            const failure =
              kind === 'timeout'
                ? new EcrError(
                    'RequestTimeout',
                    `${target.operation} to ${target.endpoint} got no answer in ${seconds(timeoutMs)} (${attempt} attempt(s), ${seconds(elapsed(started))} in all)`,
                    { attempts: attempt, kind }
                  )
                : unreachable
                  ? new EcrError(
                      'EndpointUnreachable',
                      `the endpoint ${target.endpoint} is unreachable: ${UNREACHABLE[unreachable]} (${attempt} attempt(s) in ${seconds(elapsed(started))})`,
                      { attempts: attempt, kind }
                    )
                  : toEcrError(error, attempt, kind)
            debug(
              `${label}: ${failure.code} in ${elapsed(started)} ms, ${attempt} attempt(s), request ${failure.requestId ?? '-'}`
            )
            throw failure
          }
          debug(`${label}: ${kind} on attempt ${attempt}; retrying`)
          // Then through the limiter again, which throttling has just slowed down for every call.
          try {
            await sleep(
              kind === 'throttled'
                ? backoff(throttles, THROTTLED_BASE_DELAY_MS)
                : delay(transientAttempts),
              runSignal
            )
          } catch {
            throw cancelled(label, attempt, true)
          }
        }
      }
    },

    async get(label, url, headers) {
      const started = performance.now()
      for (let attempt = 1; ; attempt++) {
        const timer = AbortSignal.timeout(timeouts.requestMs)
        let kind: Classified
        try {
          const response = await fetch(url, {
            headers,
            signal: runSignal ? AbortSignal.any([timer, runSignal]) : timer
          })
          lastAnswer = performance.now()
          kind =
            response.status === 429
              ? 'throttled'
              : response.status >= 500
                ? 'transient'
                : 'permanent'
          if (kind === 'permanent' || attempt >= maxAttempts) {
            debug(
              `${label}: HTTP ${response.status} in ${elapsed(started)} ms, ${attempt} attempt(s)`
            )
            return response
          }
          await response.body?.cancel()
        } catch (error) {
          if (runSignal?.aborted) throw cancelled(label, attempt, true)
          kind = timer.aborted ? 'timeout' : 'transient'
          if (
            attempt >= maxAttempts ||
            (kind === 'timeout' && elapsed(lastAnswer) >= timeouts.silenceMs)
          ) {
            throw new EcrError(
              kind === 'timeout' ? 'RequestTimeout' : 'NetworkingError',
              kind === 'timeout'
                ? `${label} got no answer in ${seconds(timeouts.requestMs)} (${attempt} attempt(s))`
                : `${label} failed: ${(error as Error).cause ?? (error as Error).message}`,
              { attempts: attempt, kind }
            )
          }
        }
        try {
          await sleep(
            kind === 'throttled' ? backoff(attempt, THROTTLED_BASE_DELAY_MS) : delay(attempt),
            runSignal
          )
        } catch {
          throw cancelled(label, attempt, true)
        }
      }
    },

    fetch: (url, init) => {
      const signals = [init.signal, runSignal].filter((s): s is AbortSignal => !!s)
      return (options.fetch ?? fetch)(url, {
        ...init,
        ...(signals.length > 0 && { signal: AbortSignal.any(signals) })
      })
    }
  }
}
