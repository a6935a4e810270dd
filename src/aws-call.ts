// What the ECR and ECR Public clients share: client settings tuned for CI, the error shape the rest
// of the action sees, and one debug line per call.
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { EcrError } from './errors.js'

export interface EcrOptions {
  /** Attempts per call, first included. */
  maxAttempts?: number
  /** Backoff before retry `attempt` (1-based), in ms. Unset: the SDK's standard strategy. */
  retryDelay?: (attempt: number) => number
  /** One line per call, for step debug logs. */
  debug?: (line: string) => void
  userAgent?: string
  /** ECR Public's registry endpoint, for reads; https://public.ecr.aws unless overridden. */
  publicRegistryUrl?: string
}

/**
 * Attempts tuned for CI: a promotion is a handful of calls, so riding out a throttling burst or a
 * brief ECR outage beats failing the job. Twelve attempts with jittered exponential backoff (1 s
 * base for throttling, capped at 20 s) wait two and a half minutes at the very worst, well under a
 * second usually; even with 40% of requests failing, a call then fails once in sixty thousand.
 * The standard strategy, not adaptive: adaptive's client-side rate limiter pays off for long-lived
 * clients making many calls, but here it turns a single throttled call into seconds of waiting; the
 * bounded write concurrency is this action's pacing.
 */
export const DEFAULT_MAX_ATTEMPTS = 12

/** The settings every SDK client of this action is made with. */
export function clientSettings(options: EcrOptions, region: string) {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  return {
    region,
    maxAttempts,
    ...(options.retryDelay
      ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, options.retryDelay) }
      : { retryMode: 'standard' }),
    ...(options.userAgent && { customUserAgent: options.userAgent })
  }
}

export function toEcrError(error: unknown): EcrError {
  if (error instanceof EcrError) return error
  const e = error as {
    name?: string
    code?: string
    message?: string
    $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string }
  }
  const metadata = e?.$metadata ?? {}
  const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error')
  return new EcrError(code, e?.message ?? String(error), {
    ...(metadata.httpStatusCode !== undefined && { httpStatus: metadata.httpStatusCode }),
    ...(metadata.attempts !== undefined && { attempts: metadata.attempts }),
    ...(metadata.requestId !== undefined && { requestId: metadata.requestId })
  })
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

type Sent<T> = T & { $metadata: { attempts?: number; requestId?: string } }

/** Runs SDK calls with one debug line each, and turns their errors into EcrError. */
export function caller(debug: (line: string) => void) {
  return async function call<T>(label: string, send: () => Promise<Sent<T>>): Promise<T> {
    const started = performance.now()
    try {
      const output = await send()
      const { attempts, requestId } = output.$metadata
      debug(
        `${label}: ok in ${Math.round(performance.now() - started)} ms, ${attempts ?? 1} attempt(s), request ${requestId ?? '-'}`
      )
      return output
    } catch (error) {
      const failure = toEcrError(error)
      debug(
        `${label}: ${failure.code} in ${Math.round(performance.now() - started)} ms, ${failure.attempts} attempt(s), request ${failure.requestId ?? '-'}`
      )
      throw failure
    }
  }
}
