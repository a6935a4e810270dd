// What every face does with validated inputs: builds the registry to them, runs the promotion with
// a stop that the first SIGINT or SIGTERM (or the inputs' timeout) triggers, and turns the result
// into the records the faces print. The faces (src/action, src/cli) differ only in how they read
// inputs and show the outcome. It may import every layer below the faces.
import type { CopyOptions } from '../copy/index.js'
import type { PromoteInputs } from '../inputs/index.js'
import {
  buildImageReport,
  buildRecord,
  buildReleaseReport,
  createStop,
  nextStep,
  outcomeLine,
  promote,
  type Log,
  type PollOptions,
  type PromotionRecord,
  type PromotionReport,
  type PromotionResult,
  type Provenance,
  type ReleaseReport,
  type RunStatus
} from '../promotion/index.js'
import { configuredEndpoints, createRegistry, type RegistryOptions } from '../registry/index.js'

export { configuredRegion, type RegistryOptions } from '../registry/index.js'
export type { CopyOptions } from '../copy/index.js'
import packageJson from '../../package.json' with { type: 'json' }

export const VERSION: string = packageJson.version

export interface SessionOptions {
  log: Log
  userAgent: string
  /** Where signals come from: the process, on a runner or a terminal. */
  signals?: Pick<NodeJS.Process, 'on' | 'off' | 'exit'>
  /** How long writes in flight get once the run is stopping; GitHub sends SIGTERM 7.5 s on. */
  graceMs?: number
  /** The timeout input as given, for the report's words. */
  timeoutText?: string
  /** What tests tune (a zero retry delay), over what the inputs say. */
  registry?: RegistryOptions
  copy?: CopyOptions
  /** The clock the gates poll a scan with. */
  poll?: PollOptions
  /** The environment the run reads its configuration from, once; the process's by default. */
  env?: NodeJS.ProcessEnv
}

const GRACE_MS = 4_000
/** However high the PutImage rate, no more writes than this in flight at once. */
const MAX_WRITES_IN_FLIGHT = 64
/** After a second signal, how long the report may take before the process exits anyway. */
const LAST_CALL_MS = 2_000

/** Node's timers fire at once past this (about 24.8 days): longer waits are chained. */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/** Calls `fire` once `ms` have passed, however long that is; never keeps the process alive. */
export function after(ms: number, fire: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout
  const wait = (left: number): void => {
    timer = setTimeout(
      () => (left > LONGEST_TIMER_MS ? wait(left - LONGEST_TIMER_MS) : fire()),
      Math.min(left, LONGEST_TIMER_MS)
    ).unref()
  }
  wait(ms)
  return { cancel: () => clearTimeout(timer) }
}

/**
 * What the registry takes from the environment, read here once: the endpoints the SDK will use
 * (for timeouts' words and connections opened ahead), whether to open them ahead, and a stand-in
 * for public.ecr.aws's registry endpoint (as AWS_ENDPOINT_URL_ECR_PUBLIC is for its API).
 */
export function registryEnvironment(env: NodeJS.ProcessEnv): RegistryOptions {
  return {
    endpoints: configuredEndpoints(env),
    preconnect: env.ECR_PROMOTE_PRECONNECT !== 'false',
    ...(env.ECR_PUBLIC_REGISTRY_URL && { publicRegistryUrl: env.ECR_PUBLIC_REGISTRY_URL })
  }
}

export interface SessionOutcome {
  result: PromotionResult
  /** Why the run stopped early, when it did. */
  stopReason?: string
  /** It stopped because it passed its timeout, not on a signal. */
  timedOut?: true
}

/**
 * Runs the promotion the inputs describe. The first SIGINT or SIGTERM stops it (no new writes, a
 * grace for those in flight, then the report); a second one (the runner's SIGTERM, 7.5 s after
 * its SIGINT) cuts the grace short so the report is still written, and exits if even that stalls.
 */
export async function runSession(
  inputs: PromoteInputs,
  options: SessionOptions
): Promise<SessionOutcome> {
  const stop = createStop(options.graceMs ?? GRACE_MS, LAST_CALL_MS)
  const signals = options.signals
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.stopping.aborted) {
      stop.hurry()
      setTimeout(() => signals?.exit(signal === 'SIGINT' ? 130 : 143), LAST_CALL_MS).unref()
      return
    }
    stop.stop(`the run was cancelled (${signal})`)
  }
  signals?.on('SIGINT', onSignal)
  signals?.on('SIGTERM', onSignal)
  let timedOut = false
  const deadline =
    inputs.timeoutMs !== undefined
      ? after(inputs.timeoutMs, () => {
          if (!stop.stopping.aborted) timedOut = true
          stop.stop(`the run passed its ${options.timeoutText ?? ''} timeout`.replace('  ', ' '))
        })
      : undefined
  // The limiter's bucket holds a second of the rate: as many writes may go at once, and more would
  // only wait for a token.
  const writesInFlight = Math.min(
    MAX_WRITES_IN_FLIGHT,
    Math.max(1, Math.floor(inputs.putImageRate))
  )
  try {
    const registry = createRegistry({
      writesInFlight,
      debug: (line) => options.log.debug(line),
      onResume: (blob, offset, why) =>
        options.log.info(`Download of ${blob} interrupted at byte ${offset} (${why}); resuming`),
      userAgent: options.userAgent,
      rates: { PutImage: inputs.putImageRate },
      stopWrites: stop.stopping,
      ...registryEnvironment(options.env ?? process.env),
      ...options.registry
    })
    const result = await promote(inputs.request, {
      registry,
      log: options.log,
      stop,
      writesInFlight,
      ...(options.copy && { copy: options.copy }),
      ...(options.poll && { poll: options.poll })
    })
    if (!result.cancelled) return { result }
    return { result, stopReason: stop.reason(), ...(timedOut ? { timedOut: true as const } : {}) }
  } finally {
    deadline?.cancel()
    signals?.off('SIGINT', onSignal)
    signals?.off('SIGTERM', onSignal)
  }
}

/** Everything a face reports of a run: the record, the release's matrix, and what to say. */
export interface Reports {
  status: RunStatus
  /** One image's record, or the release's. */
  report: PromotionReport | ReleaseReport
  /** The images' records, one for a single-image run. */
  images: PromotionReport[]
  record: PromotionRecord
  /** What happened, when not everything asked; and what to do about it. */
  outcome?: string
  next: string
}

export function reportsOf(
  { result, stopReason }: SessionOutcome,
  inputs: PromoteInputs,
  provenance: Provenance,
  now = new Date()
): Reports {
  const expectedDigests = Object.fromEntries(
    inputs.request.images
      .filter((image) => image.expectedDigest !== undefined)
      .map((image) => [image.name, image.expectedDigest!])
  )
  const context = {
    version: VERSION,
    now,
    protectTags: inputs.request.protectTags,
    expectedDigests,
    provenance
  }
  const report = result.release
    ? { ...buildReleaseReport(result), provenance }
    : {
        ...buildImageReport(result.images[0]!, result),
        provenance,
        ...(result.rollbackOf && { rollbackOf: result.rollbackOf })
      }
  const images = 'images' in report ? report.images : [report]
  const rollback = result.rollbackOf !== undefined
  const outcome = outcomeLine(images, report.status, rollback)
  return {
    status: report.status,
    report,
    images,
    record: buildRecord(report, context),
    ...(outcome && { outcome }),
    next: nextStep(report.status, images, stopReason, rollback)
  }
}
