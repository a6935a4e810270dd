// The runner contract through the Actions toolkit (@actions/core): outputs, the job summary, groups,
// annotations, masking and the exit code. One protection is added on top: text that comes from
// outside (tags, registry answers, error messages) is logged so that no line of it can ever be read
// as a workflow command, whatever it holds.
import * as core from '@actions/core'
import type { Log } from '../promotion/index.js'

export type Summary = typeof core.summary

export interface Runner extends Log {
  setOutput(name: string, value: string): void
  /** Masks a value in every later log line. */
  setSecret(value: string): void
  /** Fails the step with this message; a title goes on its annotation. */
  setFailed(message: string, properties?: core.AnnotationProperties): void
  /** The job summary's builder; whatever is added is written by writeSummary. */
  readonly summary: Summary
  writeSummary(): Promise<void>
}

/**
 * A plain log line that cannot start a workflow command: the runner reads a command at the start of
 * any line, and CR alone ends a line for it as LF does.
 */
export function safeLines(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/^(\s*)::/, '$1: :'))
    .join('\n')
}

export function createRunner(): Runner {
  return {
    info: (message) => core.info(safeLines(message)),
    // core escapes command data (%, CR, LF), so these cannot break out of their command.
    debug: (message) => core.debug(message),
    warning: (message, properties = {}) => core.warning(message, properties),
    error: (message, properties = {}) => core.error(message, properties),
    group: (name, body) => core.group(name, body),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    setFailed(message, properties) {
      if (!properties) return core.setFailed(message)
      // What setFailed does, with the annotation's title it does not take.
      process.exitCode = core.ExitCode.Failure
      core.error(message, properties)
    },
    summary: core.summary,
    async writeSummary() {
      // Outside a runner there is no summary file to write; the log has said it all.
      if (!process.env.GITHUB_STEP_SUMMARY) return void core.summary.emptyBuffer()
      try {
        await core.summary.write()
      } catch (error) {
        // What the run did stands, and the outputs and the log say it: a summary file that
        // cannot be written must not turn a promotion into a failure.
        core.summary.emptyBuffer()
        core.warning(
          `The job summary could not be written: ${error instanceof Error ? error.message : String(error)}`
        )
      }
    }
  }
}
