// The command-line face: reads options made from the table of inputs, runs the session, and shows
// the outcome to a person (the log, a copy's progress, a table of tags) or, with --json, to a script
// (the action's `result` object alone on stdout), ending with an exit code that says how it went.
// Only the faces know how they are started; it may import every layer below, never src/action.
import { InputError, parseInputs, type InputReader } from '../inputs/index.js'
import {
  resultJson,
  type EarlyFailureReport,
  type Log,
  type Provenance,
  type RunStatus
} from '../promotion/index.js'
import {
  configuredRegion,
  reportsOf,
  runSession,
  VERSION,
  type SessionOptions
} from '../session/index.js'
import { helpText } from './help.js'
import { asOptions, parseCommandLine, UsageError, wantsJson, type CommandLine } from './options.js'
import { summaryLines } from './summary.js'
import { createTerminalLog, Screen, type Detail, type Output } from './terminal.js'

/** What each way a run can end exits with; --help and docs/cli.md say the same. */
const EXIT = { done: 0, failed: 1, badInput: 2, refused: 3 } as const

export interface CliIo {
  stdout: Output
  stderr: Output
  /** The SDK reads process.env itself: --profile is set here for it. */
  env: NodeJS.ProcessEnv
  signals?: SessionOptions['signals']
}

export interface CliRun {
  exitCode: number
  /** A cancelled run has reported, leaving work in flight: exit rather than wait for it. */
  abandoned: boolean
}

export const USER_AGENT = `ecr-promote-cli/${VERSION}`

/** Whoever runs the command line says where it ran; the record has nothing to add. */
const PROVENANCE: Provenance = {}

const PROCESS_IO: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process
}

/** The exit code of a run that got as far as a report: docs/cli.md says it by status. */
export function exitCodeOf(status: RunStatus): number {
  switch (status) {
    case 'promoted':
    case 'unchanged':
    case 'dry-run':
    case 'rolled-back':
      return EXIT.done
    case 'refused':
      return EXIT.refused
    case 'input-error':
      return EXIT.badInput
    default:
      return EXIT.failed
  }
}

/** An input error said as the command line's: `--tags: "bad tag" is not a valid tag...`. */
export function optionProblem(error: InputError): string {
  const detail = asOptions(error.detail)
  return /^(is|does|has) /.test(detail)
    ? `--${error.input} ${detail}`
    : `--${error.input}: ${detail}`
}

/** A run that ended before it could plan: one line on stderr, and with --json its record. */
function failEarly(
  io: CliIo,
  json: boolean,
  message: string,
  record: Omit<EarlyFailureReport, 'changed' | 'provenance'>
): CliRun {
  io.stderr.write(`ecr-promote: ${message}\n`)
  if (json) {
    const full: EarlyFailureReport = { ...record, changed: false, provenance: PROVENANCE }
    io.stdout.write(`${JSON.stringify(full, null, 2)}\n`)
  }
  return {
    exitCode: record.status === 'input-error' ? EXIT.badInput : EXIT.failed,
    abandoned: false
  }
}

/** The region the AWS CLI would use when none is named: the profile's, from the shared config. */
async function withProfileRegion(read: InputReader, env: NodeJS.ProcessEnv) {
  if (read('region') !== '' || env.AWS_REGION || env.AWS_DEFAULT_REGION) return env
  const region = await configuredRegion()
  return region === undefined ? env : { ...env, AWS_REGION: region }
}

/**
 * Says at once that Ctrl-C was heard: the session stops on the first signal, but a stop waits for
 * writes in flight, and a person at a terminal should not have to guess why nothing ends yet.
 */
function announceStop(log: Log, signals: SessionOptions['signals']): () => void {
  let announced = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (announced) return
    announced = true
    log.warning(
      `${signal}: stopping. No new writes start; those in flight get a few seconds to finish. Press Ctrl-C again to stop waiting for them.`
    )
  }
  signals?.on('SIGINT', onSignal)
  signals?.on('SIGTERM', onSignal)
  return () => {
    signals?.off('SIGINT', onSignal)
    signals?.off('SIGTERM', onSignal)
  }
}

function detailOf(commandLine: CommandLine): Detail {
  return commandLine.verbose ? 'verbose' : commandLine.quiet ? 'quiet' : 'normal'
}

async function promoteFrom(commandLine: CommandLine, io: CliIo): Promise<CliRun> {
  const { read, json } = commandLine
  const dryRun = read('dry-run') === 'true'
  // Before anything reads credentials or a region: the SDK resolves both on its first call.
  if (commandLine.profile !== undefined) io.env.AWS_PROFILE = commandLine.profile
  const screen = new Screen(json ? io.stderr : io.stdout)
  const log = createTerminalLog(screen, detailOf(commandLine))
  try {
    const env = await withProfileRegion(read, io.env)
    // A relative sources-file or record is the caller's: from where the command runs.
    const inputs = await parseInputs(read, { env, cwd: process.cwd() })
    for (const warning of inputs.warnings) log.warning(warning)
    const stopAnnouncing = announceStop(log, io.signals)
    const outcome = await runSession(inputs, {
      log,
      userAgent: USER_AGENT,
      ...(io.signals && { signals: io.signals }),
      timeoutText: read('timeout'),
      env: io.env,
      copy: { onProgress: log.progress, progressIntervalMs: log.progressIntervalMs }
    }).finally(stopAnnouncing)
    const reports = reportsOf(outcome, inputs, PROVENANCE)
    screen.gap()
    for (const line of summaryLines(reports)) screen.line(line)
    if (json) io.stdout.write(`${JSON.stringify(resultJson(reports.report), null, 2)}\n`)
    return { exitCode: exitCodeOf(reports.status), abandoned: outcome.result.cancelled }
  } catch (error) {
    if (error instanceof InputError)
      return failEarly(io, json, optionProblem(error), {
        status: 'input-error',
        error: error.message,
        input: error.input,
        dryRun
      })
    const message = error instanceof Error ? error.message : String(error)
    return failEarly(io, json, message, { status: 'failed', error: message, dryRun })
  }
}

/** Runs the command line `args` (without node and the script) and says how to exit. */
export async function runCli(args: readonly string[], io: CliIo = PROCESS_IO): Promise<CliRun> {
  let commandLine: CommandLine
  try {
    commandLine = parseCommandLine(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return failEarly(io, wantsJson(args), `${error.message} (see ecr-promote --help)`, {
      status: 'input-error',
      error: error.message,
      dryRun: args.includes('--dry-run')
    })
  }
  if (commandLine.help) io.stdout.write(helpText())
  else if (commandLine.version) io.stdout.write(`ecr-promote ${VERSION}\n`)
  else return promoteFrom(commandLine, io)
  return { exitCode: EXIT.done, abandoned: false }
}
