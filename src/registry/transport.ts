// The one transport policy: how every call to ECR, ECR Public and their registry endpoints is made
// and retried. The SDK clients make one attempt each; retries, backoff and the debug line per call
// are decided here, the same way for SDK calls, registry reads and blob downloads.
import {
  isClockSkewCorrectedError,
  isRetryableByTrait,
  isServerError,
  isThrottlingError,
  isTransientError
} from '@smithy/core/retry'
import type { SdkError } from '@smithy/types'
import { EcrError } from './errors.js'

export interface TransportOptions {
  /** Attempts per call, first included. */
  maxAttempts?: number
  /** Backoff before retry `attempt` (1-based), in ms. Unset: jittered exponential backoff. */
  retryDelay?: (attempt: number) => number
  /** One line per call, for step debug logs. */
  debug?: (line: string) => void
  userAgent?: string
}

/**
 * Attempts tuned for CI: a promotion is a handful of calls, so riding out a throttling burst or a
 * brief ECR outage beats failing the job. Twelve attempts with jittered exponential backoff (1 s
 * base for throttling, 50 ms otherwise, capped at 20 s) wait two and a half minutes at the very
 * worst, well under a second usually; even with 40% of requests failing, a call then fails once in
 * sixty thousand.
 */
export const DEFAULT_MAX_ATTEMPTS = 12
const MAX_DELAY_MS = 20_000
const BASE_DELAY_MS = 50
const THROTTLED_BASE_DELAY_MS = 1_000

/** What went wrong with one attempt, as far as retrying it is concerned. */
export type Fault = 'throttled' | 'transient' | 'final'

type Metadata = { $metadata: { requestId?: string } }

export interface Transport {
  readonly maxAttempts: number
  /** The settings every SDK client is made with: one attempt per send, since retries are ours. */
  clientConfig(region: string): {
    region: string
    maxAttempts: 1
    customUserAgent?: string
  }
  /** Sends one SDK command with this policy's retries; its errors come back as EcrError. */
  call<T extends Metadata>(label: string, send: () => Promise<T>): Promise<T>
  /** A GET to a registry endpoint or a download URL, retried on throttling, 5xx and dropped connections. */
  get(label: string, url: string, headers: Record<string, string>): Promise<Response>
  /** The backoff before retry `attempt`. */
  delay(attempt: number, fault: Fault): number
  sleep(ms: number): Promise<void>
  debug(line: string): void
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** How an SDK error is retried: the SDK's own classification of throttling and transient faults. */
function classifySdkError(error: unknown): Fault {
  const sdkError = error as SdkError
  if (typeof error !== 'object' || error === null) return 'final'
  if (isThrottlingError(sdkError)) return 'throttled'
  if (
    isRetryableByTrait(sdkError) ||
    isClockSkewCorrectedError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError)
  )
    return 'transient'
  return 'final'
}

function classifyResponse(status: number): Fault {
  if (status === 429) return 'throttled'
  return status >= 500 ? 'transient' : 'final'
}

function toEcrError(error: unknown, attempts: number): EcrError {
  if (error instanceof EcrError) return error
  const e = error as {
    name?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number; requestId?: string }
  }
  const metadata = e?.$metadata ?? {}
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error')
  return new EcrError(code, e?.message ?? String(error), {
    attempts,
    ...(metadata.httpStatusCode !== undefined && { httpStatus: metadata.httpStatusCode }),
    ...(metadata.requestId !== undefined && { requestId: metadata.requestId })
  })
}

export function createTransport(options: TransportOptions = {}): Transport {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const debug = options.debug ?? (() => {})
  const delay = (attempt: number, fault: Fault): number =>
    options.retryDelay
      ? options.retryDelay(attempt)
      : Math.floor(
          Math.random() *
            Math.min(
              MAX_DELAY_MS,
              (fault === 'throttled' ? THROTTLED_BASE_DELAY_MS : BASE_DELAY_MS) * 2 ** (attempt - 1)
            )
        )
  const elapsed = (started: number): number => Math.round(performance.now() - started)

  return {
    maxAttempts,
    debug,
    delay,
    sleep,
    clientConfig: (region) => ({
      region,
      maxAttempts: 1,
      ...(options.userAgent && { customUserAgent: options.userAgent })
    }),

    async call(label, send) {
      const started = performance.now()
      for (let attempt = 1; ; attempt++) {
        try {
          const output = await send()
          debug(
            `${label}: ok in ${elapsed(started)} ms, ${attempt} attempt(s), request ${output.$metadata.requestId ?? '-'}`
          )
          return output
        } catch (error) {
          const fault = classifySdkError(error)
          if (fault === 'final' || attempt >= maxAttempts) {
            const failure = toEcrError(error, attempt)
            debug(
              `${label}: ${failure.code} in ${elapsed(started)} ms, ${attempt} attempt(s), request ${failure.requestId ?? '-'}`
            )
            throw failure
          }
          await sleep(delay(attempt, fault))
        }
      }
    },

    async get(label, url, headers) {
      const started = performance.now()
      for (let attempt = 1; ; attempt++) {
        let fault: Fault
        try {
          const response = await fetch(url, { headers })
          fault = classifyResponse(response.status)
          if (fault === 'final' || attempt >= maxAttempts) {
            debug(
              `${label}: HTTP ${response.status} in ${elapsed(started)} ms, ${attempt} attempt(s)`
            )
            return response
          }
          await response.body?.cancel()
        } catch (error) {
          if (attempt >= maxAttempts) {
            throw new EcrError(
              'NetworkingError',
              `${label} failed: ${(error as Error).cause ?? (error as Error).message}`,
              { attempts: attempt }
            )
          }
          fault = 'transient'
        }
        await sleep(delay(attempt, fault))
      }
    }
  }
}
