// The GitHub face: reads the step's inputs, runs the promotion, and reports it as outputs, a job
// summary, annotations and a promotion record, on every run whatever its outcome. Cancelling the
// step (SIGINT, then SIGTERM) or passing the `timeout` stops it cleanly. Only the faces know the
// Actions runtime; they may import every layer below.
import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CopyOptions } from '../copy/index.js'
import { INPUTS, InputError, parseInputs, type PromoteInputs } from '../inputs/index.js'
import {
  buildImageReport,
  buildRecord,
  buildReleaseReport,
  createStop,
  nextStep,
  outcomeLine,
  promote,
  releaseMatrix,
  type EarlyFailureReport,
  type PromotionResult,
  type Provenance,
  type Stop
} from '../promotion/index.js'
import { createRegistry, type RegistryOptions } from '../registry/index.js'
import { failStep } from './annotations.js'
import { setFailureOutputs, setImageOutputs, setReleaseOutputs } from './outputs.js'
import { loadProvenance, userAgent, VERSION } from './provenance.js'
import { createRunner, type Runner } from './runner.js'
import { renderEarlyFailure, renderImageSummary, renderReleaseSummary } from './summary.js'

/** What tests may tune (a zero retry delay, a short grace); the action runs with none. */
export interface Tuning {
  registry?: RegistryOptions
  copy?: CopyOptions
  /** How long writes in flight get once the step is cancelled; GitHub sends SIGTERM 7.5 s on. */
  graceMs?: number
}

const GRACE_MS = 4_000

/** The step's inputs as given, for the summary of a run that failed on them. */
function givenInputs(): Array<[string, string]> {
  return INPUTS.map((input): [string, string] => [input.name, core.getInput(input.name)]).filter(
    ([, value]) => value !== ''
  )
}

/**
 * The first SIGINT or SIGTERM stops the run (no new writes, a grace for those in flight, then the
 * report); a second one exits at once, as the runner will shortly anyway.
 */
function onSignals(stop: Stop & { stop(reason: string): void }): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (stop.stopping.aborted) process.exit(signal === 'SIGINT' ? 130 : 143)
    stop.stop(`the step was cancelled (${signal})`)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}

function writeRecord(record: unknown): string {
  const directory = process.env.RUNNER_TEMP || tmpdir()
  const path = join(directory, `ecr-promote-record-${process.pid}-${Date.now()}.json`)
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n')
  return path
}

/** Outputs, job summary, annotations and record for a run that got as far as a plan. */
async function report(
  runner: Runner,
  result: PromotionResult,
  inputs: PromoteInputs,
  provenance: Provenance,
  stop: Stop
): Promise<void> {
  const expectedDigests = Object.fromEntries(
    inputs.request.images
      .filter((image) => image.expectedDigest !== undefined)
      .map((image) => [image.name, image.expectedDigest!])
  )
  const reason = result.cancelled ? stop.reason() : undefined
  const context = {
    version: VERSION,
    now: new Date(),
    protectTags: inputs.request.protectTags,
    expectedDigests,
    provenance
  }
  if (result.release) {
    const release = { ...buildReleaseReport(result), provenance }
    setReleaseOutputs(
      runner,
      release,
      releaseMatrix(release),
      writeRecord(buildRecord(release, context))
    )
    renderReleaseSummary(runner.summary, release, reason)
    const outcome = outcomeLine(release.images, release.status)
    if (outcome)
      failStep(runner, release.images, outcome, nextStep(release.status, release.images, reason))
  } else {
    const image = { ...buildImageReport(result.images[0]!, result), provenance }
    setImageOutputs(runner, image, writeRecord(buildRecord(image, context)))
    renderImageSummary(runner.summary, image, reason)
    const outcome = outcomeLine([image], image.status)
    if (outcome) failStep(runner, [image], outcome, nextStep(image.status, [image], reason))
  }
  await runner.writeSummary()
}

/** Outputs and summary for a run that stopped before it could plan: bad input, or a crash. */
async function reportEarly(
  runner: Runner,
  error: unknown,
  dryRun: boolean,
  provenance: Provenance
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error)
  const record: EarlyFailureReport = {
    status: error instanceof InputError ? 'input-error' : 'failed',
    error: message,
    ...(error instanceof InputError && { input: error.input }),
    dryRun,
    changed: false,
    provenance
  }
  setFailureOutputs(runner, record)
  renderEarlyFailure(runner.summary, record, givenInputs())
  runner.setFailed(message)
  await runner.writeSummary()
}

/**
 * Parses the inputs, runs the promotion, and reports it. Resolves to true when work was abandoned
 * (a cancelled run), so the entry point exits rather than wait for it.
 */
export async function runAction(
  runner: Runner = createRunner(),
  tuning: Tuning = {}
): Promise<boolean> {
  const provenance = await loadProvenance()
  const stop = createStop(tuning.graceMs ?? GRACE_MS)
  const unwatch = onSignals(stop)
  let dryRun = false
  try {
    const inputs = await parseInputs((name) => core.getInput(name), { env: process.env })
    dryRun = inputs.request.dryRun
    for (const warning of inputs.warnings) runner.warning(warning)
    const deadline =
      inputs.timeoutMs !== undefined
        ? setTimeout(
            () => stop.stop(`the run passed its ${core.getInput('timeout')} timeout`),
            inputs.timeoutMs
          )
        : undefined
    deadline?.unref()
    const registry = createRegistry({
      debug: (line) => runner.debug(line),
      onResume: (blob, offset, why) =>
        runner.info(`Download of ${blob} interrupted at byte ${offset} (${why}); resuming`),
      userAgent: userAgent(provenance),
      rates: { PutImage: inputs.putImageRate },
      stopWrites: stop.stopping,
      // A stand-in for public.ecr.aws's registry endpoint, as AWS_ENDPOINT_URL_ECR_PUBLIC is for its API.
      ...(process.env.ECR_PUBLIC_REGISTRY_URL && {
        publicRegistryUrl: process.env.ECR_PUBLIC_REGISTRY_URL
      }),
      ...tuning.registry
    })
    const result = await promote(inputs.request, {
      registry,
      log: runner,
      stop,
      ...(tuning.copy && { copy: tuning.copy })
    })
    clearTimeout(deadline)
    await report(runner, result, inputs, provenance, stop)
    return result.cancelled
  } catch (error) {
    await reportEarly(runner, error, dryRun, provenance)
    return false
  } finally {
    unwatch()
  }
}
