import { afterEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { actionEnvironment, parseOutputFile } from '../__fixtures__/actions.js'
import { createRunner, formatOutput } from '../src/action/runner.js'

const awkward = [
  'plain',
  'two\nlines',
  'percent % and 100%25',
  'colon: comma, done',
  'carriage\r\nreturn',
  '::set-output name=x::y',
  'ünïcødé ✓',
  ''
]

function captureStdout(body: () => void): string {
  let text = ''
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk)
      return true
    })
  try {
    body()
  } finally {
    spy.mockRestore()
  }
  return text
}

afterEach(() => {
  process.exitCode = undefined
})

describe('the Actions runtime contract, against @actions/core', () => {
  test.each(awkward)('annotations and debug lines are the same commands for %j', (message) => {
    const ours: string[] = []
    const runner = createRunner({}, (text) => ours.push(text))
    runner.error(message, { title: 'Tag: conflict, x' })
    runner.warning(message)
    runner.debug(message)
    const theirs = captureStdout(() => {
      core.error(message, { title: 'Tag: conflict, x' })
      core.warning(message)
      core.debug(message)
    })
    expect(ours.join('')).toBe(theirs)
  })

  test('outputs written to GITHUB_OUTPUT parse to the same values as @actions/core writes', () => {
    const ours = actionEnvironment({})
    const theirs = actionEnvironment({})
    const runner = createRunner(ours.env)
    const saved = process.env.GITHUB_OUTPUT
    process.env.GITHUB_OUTPUT = theirs.env.GITHUB_OUTPUT
    try {
      awkward.forEach((value, i) => {
        runner.setOutput(`out-${i}`, value)
        core.setOutput(`out-${i}`, value)
      })
    } finally {
      process.env.GITHUB_OUTPUT = saved
    }
    expect(ours.outputs()).toEqual(theirs.outputs())
    expect(ours.outputs()['out-1']).toBe('two\nlines')
  })

  test('groups wrap their body, even when it throws', async () => {
    const lines: string[] = []
    const runner = createRunner({}, (text) => lines.push(text))
    await expect(
      runner.group('Phase', async () => {
        runner.info('inside')
        throw new Error('boom')
      })
    ).rejects.toThrow('boom')
    expect(lines.join('')).toBe('::group::Phase\ninside\n::endgroup::\n')
  })

  test('plain log lines can never start a workflow command', () => {
    const lines: string[] = []
    createRunner({}, (text) => lines.push(text)).info('ok\n::add-mask::x\n  ::error::y')
    expect(
      lines
        .join('')
        .split('\n')
        .some((line) => line.trimStart().startsWith('::'))
    ).toBe(false)
  })

  test('setFailed writes an error command and sets a failing exit code', () => {
    const lines: string[] = []
    createRunner({}, (text) => lines.push(text)).setFailed('it broke\nbadly')
    expect(lines.join('')).toBe('::error::it broke%0Abadly\n')
    expect(process.exitCode).toBe(1)
  })

  test('the job summary is appended to GITHUB_STEP_SUMMARY', () => {
    const action = actionEnvironment({})
    const runner = createRunner(action.env)
    runner.appendSummary('# one\n')
    runner.appendSummary('two\n')
    expect(readFileSync(action.env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('# one\ntwo\n')
  })

  test('each output value gets its own random delimiter', () => {
    const a = formatOutput('x', 'v')
    const b = formatOutput('x', 'v')
    expect(a).not.toBe(b)
    expect(parseOutputFile(a + b)).toEqual({ x: 'v' })
  })
})
