// The command line's options, help and terminal output, in-process: how argv becomes the inputs the
// action would read, how each mistake is said, and how progress draws on a terminal and in a log.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { helpText, wrap } from '../../src/cli/help.js'
import { optionProblem } from '../../src/cli/index.js'
import { asOptions, CLI_OPTIONS, parseCommandLine, UsageError } from '../../src/cli/options.js'
import { shortDigest } from '../../src/cli/summary.js'
import { createTerminalLog, printable, Screen } from '../../src/cli/terminal.js'
import type { CopyProgressState } from '../../src/copy/index.js'
import { INPUTS, InputError } from '../../src/inputs/index.js'

const problem = (args: string[]): string => {
  try {
    parseCommandLine(args)
  } catch (error) {
    if (error instanceof UsageError) return error.message
    throw error
  }
  throw new Error(`${args.join(' ')} parsed`)
}

describe('options', () => {
  test('one per input, and the command line’s own do not take an input’s name', () => {
    const names = INPUTS.map((input) => input.name)
    expect(CLI_OPTIONS.filter((option) => names.includes(option.name))).toEqual([])
  })

  test('read as the action reads its inputs: lists a line each, flags as true or false', () => {
    const { read, json } = parseCommandLine([
      '--repository',
      'demo/app',
      '--tags',
      'a,b',
      '--tags=c',
      '--dry-run',
      '--no-copy-referrers',
      '--json'
    ])
    expect(read('repository')).toBe('demo/app')
    expect(read('tags')).toBe('a,b\nc')
    expect(read('dry-run')).toBe('true')
    expect(read('copy-referrers')).toBe('false')
    expect(read('source-tag')).toBe('')
    expect(json).toBe(true)
  })

  test.each([
    [['--tagz', 'x'], 'unknown option --tagz; did you mean --tags?'],
    [['--source', 'x'], 'unknown option --source; did you mean --sources?'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--no-tags'], 'unknown option --no-tags; did you mean --tags?'],
    [['-x'], 'unknown option -x'],
    [['--tags'], '--tags needs a value'],
    [
      ['--tags', '--dry-run'],
      '--tags needs a value (for one starting with "-", write --tags=--dry-run)'
    ],
    [['--dry-run=yes'], '--dry-run takes no value'],
    [['--repository', 'a', '--repository', 'b'], '--repository is given more than once'],
    [['prod'], 'unexpected argument "prod": every value goes after its option, as in --tags prod']
  ])('%j: %s', (args, message) => {
    expect(problem(args)).toBe(message)
  })

  test('an input error is said as the option’s', () => {
    expect(optionProblem(new InputError('repository', 'is required'))).toBe(
      '--repository is required'
    )
    expect(optionProblem(new InputError('tags', '"x y" is not a valid tag'))).toBe(
      '--tags: "x y" is not a valid tag'
    )
    expect(
      optionProblem(
        new InputError('region', 'no region given; set the region input, or AWS_REGION')
      )
    ).toBe('--region: no region given; set --region, or AWS_REGION')
  })

  test('input names in running text become options; plain words and paths stay', () => {
    expect(asOptions('Give source-tag, source-digest, or both; the source repository.')).toBe(
      'Give --source-tag, --source-digest, or both; the source repository.'
    )
    expect(asOptions('as docker/metadata-action outputs them, in schema/sources-file.json')).toBe(
      'as docker/metadata-action outputs them, in schema/sources-file.json'
    )
  })
})

describe('--help', () => {
  const help = helpText()

  test('shows every input and every option of the command line', () => {
    for (const option of [...INPUTS, ...CLI_OPTIONS])
      expect(help).toMatch(new RegExp(`--(\\[no-\\])?${option.name}\\b`))
    expect(help).toContain('--[no-]copy-referrers')
    expect(help).toContain('-h, --help')
  })

  test("names options as options, and a release file's keys as keys", () => {
    const flat = help.replace(/\s+/g, ' ')
    expect(flat).toContain('Replaces --repository, --source-tag and --source-digest.')
    expect(flat).toContain(
      'with keys "repository", "tag" and/or "digest", and optional "expected-digest", "target-repository" and "tags".'
    )
  })

  test('fits in 80 columns and says the exit codes', () => {
    expect(help.split('\n').filter((line) => line.length > 80)).toEqual([])
    expect(help).toMatch(/^ {2}3 {2}refused before any write/m)
  })

  test('docs/cli.md lists every option too', () => {
    const docs = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')
    for (const option of [...INPUTS, ...CLI_OPTIONS])
      expect(docs).toMatch(new RegExp(`\`--(\\[no-\\])?${option.name}\\b`))
  })

  test('wraps on words, a word too long for a line getting one of its own', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc'])
    expect(wrap('a https://example.com/long b', 10)).toEqual(['a', 'https://example.com/long', 'b'])
  })
})

/** A stream that records what is written, as a terminal (columns) or a pipe. */
function capture(tty: boolean) {
  const writes: string[] = []
  return {
    writes,
    output: { isTTY: tty, columns: 60, write: (text: string) => writes.push(text) }
  }
}

/** One copy's progress: the same object throughout, as a copy reports it. */
const copying = (): CopyProgressState & { bytes: number; blobs: number; done: boolean } => ({
  bytes: 1024,
  totalBytes: 4096,
  blobs: 1,
  blobCount: 2,
  elapsedMs: 1000,
  done: false
})

describe('the terminal', () => {
  test('a copy’s progress is one line redrawn in place, cleared before each log line', async () => {
    const { writes, output } = capture(true)
    const log = createTerminalLog(new Screen(output), 'normal')
    expect(log.progressIntervalMs).toBeLessThan(1000)
    const copy = copying()
    await log.group('Copy demo/app', async () => {
      log.progress(copy)
      log.info('child sha256:abc: written by digest')
      Object.assign(copy, { bytes: 4096, blobs: 2, done: true })
      log.progress(copy)
    })
    expect(writes).toEqual([
      'Copy demo/app\n',
      'Copying 1.0 KiB of 4.0 KiB (25%), 1 of 2 blobs, 1.0 KiB/s',
      '\r\x1b[K  child sha256:abc: written by digest\nCopying 1.0 KiB of 4.0 KiB (25%), 1 of 2 blobs, 1.0 KiB/s',
      '\r\x1b[K',
      '  Copied 2 blobs (4.0 KiB) in 1.0 s, 4.0 KiB/s\n'
    ])
  })

  test('a copy that fails, so never says it is done, takes its line away with its section', async () => {
    const { writes, output } = capture(true)
    const log = createTerminalLog(new Screen(output), 'normal')
    const copy = copying()
    await expect(
      log.group('Copy demo/app', async () => {
        log.progress(copy)
        copy.done = true
        throw new Error('upload failed')
      })
    ).rejects.toThrow('upload failed')
    expect(writes.at(-1)).toBe('\r\x1b[K')
  })

  test('in a log, progress is plain lines, seldom', () => {
    const { writes, output } = capture(false)
    const log = createTerminalLog(new Screen(output), 'normal')
    expect(log.progressIntervalMs).toBe(10_000)
    log.progress(copying())
    expect(writes).toEqual(['Copying 1.0 KiB of 4.0 KiB (25%), 1 of 2 blobs, 1.0 KiB/s\n'])
  })

  test('debug lines only when verbose; quiet keeps warnings', () => {
    const quiet = capture(false)
    const log = createTerminalLog(new Screen(quiet.output), 'quiet')
    log.info('plan')
    log.debug('call')
    log.warning('careful', { title: 'Tag' })
    expect(quiet.writes).toEqual(['warning: Tag: careful\n'])
    const verbose = capture(false)
    createTerminalLog(new Screen(verbose.output), 'verbose').debug('call')
    expect(verbose.writes).toEqual(['debug: call\n'])
  })

  test('shows control characters from outside as escapes, never acts on them', () => {
    expect(printable('tag\x1b[2J\rX\tok')).toBe('tag\\x1b[2J\\x0dX\tok')
  })

  test('digests are shortened to 12 hex digits', () => {
    expect(shortDigest(`sha256:${'a'.repeat(64)}`)).toBe('sha256:aaaaaaaaaaaa')
    expect(shortDigest(null)).toBe('-')
  })
})
