// The GitHub face: reads the step's inputs, runs the promotion, and reports it as outputs, a job
// summary, annotations and a promotion record, on every run whatever its outcome. Cancelling the
// step (SIGINT, then SIGTERM) or passing the `timeout` stops it cleanly. Only the faces know the
// Actions runtime; they may import every layer below.
import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { INPUTS, InputError, parseInputs } from '../inputs/index.js'
import {
  PREDICATE_TYPE,
  resultJson,
  type EarlyFailureReport,
  type PollOptions,
  type Provenance
} from '../promotion/index.js'
import {
  reportsOf,
  runSession,
  type CopyOptions,
  type RegistryOptions,
  type Reports,
  type SessionOutcome
} from '../session/index.js'
import { failStep } from './annotations.js'
import { releaseMatrix } from './matrix.js'
import { setFailureOutputs, setImageOutputs, setReleaseOutputs } from './outputs.js'
import { loadProvenance, userAgent } from './provenance.js'
import { createRunner, type Runner } from './runner.js'
import {
  fitSummary,
  renderEarlyFailure,
  renderImageSummary,
  renderReleaseSummary
} from './summary.js'

/** What tests may tune (a zero retry delay, a short grace); the action runs with none. */
export interface Tuning {
  registry?: RegistryOptions
  copy?: CopyOptions
  graceMs?: number
  poll?: PollOptions
}

/**
 * The step's inputs as the workflow gave them, for the summary of a run that failed on them: the
 * runner passes action.yml's defaults too, which are left out.
 */
function givenInputs(): Array<[string, string]> {
  return INPUTS.map((input): [string, string, string | undefined] => [
    input.name,
    core.getInput(input.name),
    input.default
  ])
    .filter(([, value, fallback]) => value !== '' && value !== fallback)
    .map(([name, value]): [string, string] => [name, value])
}

/** A file of the run's, in the runner's temporary folder: its path, or none, with a warning, when
 * it cannot be written (the outputs still say all). */
function writeRunFile(runner: Runner, kind: 'record' | 'result', content: unknown): string {
  const directory = process.env.RUNNER_TEMP || tmpdir()
  const path = join(directory, `ecr-promote-${kind}-${process.pid}-${Date.now()}.json`)
  try {
    writeFileSync(path, JSON.stringify(content, null, 2) + '\n')
  } catch (error) {
    runner.warning(
      `The promotion ${kind} could not be written to ${directory}: ${error instanceof Error ? error.message : String(error)}`
    )
    return ''
  }
  if (kind === 'record') runner.info(`Promotion record (predicate type ${PREDICATE_TYPE}): ${path}`)
  return path
}

/** Outputs, job summary, annotations and record for a run that got as far as a plan. */
async function report(
  runner: Runner,
  reports: Reports,
  stop: Pick<SessionOutcome, 'stopReason' | 'timedOut'>
): Promise<void> {
  const files = {
    record: writeRunFile(runner, 'record', reports.record),
    result: writeRunFile(runner, 'result', resultJson(reports.report))
  }
  const shown = {
    ...(files.result && { resultFile: files.result }),
    ...(stop.timedOut && { timedOut: true })
  }
  if ('images' in reports.report) {
    const release = reports.report
    setReleaseOutputs(runner, release, releaseMatrix(release), files)
    fitSummary(runner.summary, (view) =>
      renderReleaseSummary(runner.summary, release, stop.stopReason, { ...view, ...shown })
    )
  } else {
    const image = reports.report
    setImageOutputs(runner, image, files)
    fitSummary(runner.summary, (view) =>
      renderImageSummary(runner.summary, image, stop.stopReason, { ...view, ...shown })
    )
  }
  if (reports.outcome) failStep(runner, reports.images, reports.outcome, reports.next)
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
  let dryRun = false
  let inputs: Awaited<ReturnType<typeof parseInputs>>
  let outcome: Awaited<ReturnType<typeof runSession>>
  try {
    inputs = await parseInputs((name) => core.getInput(name), { env: process.env })
    dryRun = inputs.request.dryRun
    for (const warning of inputs.warnings) runner.warning(warning)
    outcome = await runSession(inputs, {
      log: runner,
      userAgent: userAgent(provenance),
      signals: process,
      timeoutText: core.getInput('timeout'),
      ...(tuning.graceMs !== undefined && { graceMs: tuning.graceMs }),
      ...(tuning.registry && { registry: tuning.registry }),
      ...(tuning.copy && { copy: tuning.copy }),
      ...(tuning.poll && { poll: tuning.poll })
    })
  } catch (error) {
    await reportEarly(runner, error, dryRun, provenance)
    return false
  }
  // Outside the try: once the session has run, its report is the truth, never an early failure.
  await report(runner, reportsOf(outcome, inputs, provenance), outcome)
  return outcome.result.cancelled
}
