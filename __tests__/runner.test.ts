// The runner contract through the real @actions/core: outputs and the job summary read back from the
// files the runner names, workflow commands read back from stdout, and hostile text that never
// becomes a command.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import { actionEnvironment, type ActionEnvironment } from '../__fixtures__/actions.js'
import { captureStdout } from '../__fixtures__/run-action.js'
import { createRunner, safeLines } from '../src/action/runner.js'

const awkward = [
  'plain',
  'two\nlines',
  'percent % and 100%25',
  'colon: comma, done',
  'carriage\r\nreturn',
  'lone\rcarriage return',
  '::set-output name=x::y',
  'ünïcødé ✓',
  ''
]

/** The workflow commands a line-oriented runner would see in `stdout`: it splits on CR and LF alike. */
function commands(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line))
}

let action: ActionEnvironment
const saved = { ...process.env }
beforeEach(() => {
  action = actionEnvironment({})
  Object.assign(process.env, action.env)
  core.summary.emptyBuffer()
})
afterEach(() => {
  process.env = { ...saved }
  process.exitCode = undefined
})

describe('the runner adapter on @actions/core', () => {
  test('outputs come back from GITHUB_OUTPUT as they were set, whatever they hold', async () => {
    const runner = createRunner()
    awkward.forEach((value, i) => runner.setOutput(`out-${i}`, value))
    const outputs = action.outputs()
    // GITHUB_OUTPUT blocks are read back line by line: CRLF comes back as LF.
    awkward.forEach((value, i) => expect(outputs[`out-${i}`]).toBe(value.replace(/\r\n/g, '\n')))
  })

  test('the job summary is written to GITHUB_STEP_SUMMARY', async () => {
    const runner = createRunner()
    runner.summary.addHeading('Promoted', 3).addTable([['a', 'b']])
    await runner.writeSummary()
    expect(action.summary()).toContain('<h3>Promoted</h3>')
    expect(action.summary()).toContain('<table><tr><td>a</td><td>b</td></tr></table>')
  })

  test('groups wrap their body, even when it throws', async () => {
    const runner = createRunner()
    const { stdout } = await captureStdout(async () => {
      await runner.group('Phase', async () => runner.info('inside'))
      await expect(
        runner.group('Failing', async () => {
          throw new Error('boom')
        })
      ).rejects.toThrow('boom')
    })
    expect(stdout).toBe('::group::Phase\ninside\n::endgroup::\n::group::Failing\n::endgroup::\n')
  })

  test.each(awkward)('hostile text %j never becomes a command', async (message) => {
    const runner = createRunner()
    const { stdout } = await captureStdout(async () => {
      runner.info(message)
      runner.warning(message, { title: 'Tag: conflict, x' })
      runner.error(message)
      runner.debug(message)
      await runner.group(message, async () => {})
    })
    // Only the commands the adapter itself issued: one warning, one error, one debug, one group.
    expect(commands(stdout).map((line) => line.replace(/^\s*::([a-z-]+).*$/, '$1'))).toEqual([
      'warning',
      'error',
      'debug',
      'group',
      'endgroup'
    ])
  })

  test('plain lines keep their text, defused only where a line would start a command', () => {
    expect(safeLines('a\n::error::x\r::warning::y\n  ::debug::z')).toBe(
      'a\n: :error::x\n: :warning::y\n  : :debug::z'
    )
  })

  test('setFailed writes an error command and sets a failing exit code', async () => {
    const { stdout } = await captureStdout(async () => createRunner().setFailed('it broke\n::x::'))
    expect(process.exitCode).toBe(1)
    expect(stdout).toBe('::error::it broke%0A::x::\n')
  })

  test('setSecret masks the value', async () => {
    const { stdout } = await captureStdout(async () => createRunner().setSecret('s3cr3t'))
    expect(stdout).toBe('::add-mask::s3cr3t\n')
  })
})
