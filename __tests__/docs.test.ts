// The README, docs/ and action.yml say what the action has: every input and output in the README's
// tables and action.yml's outputs, and every relative link leading to a file (and heading) in the
// repository. The emulator's README links only inside the repository.
import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { OUTPUT_NAMES } from '../src/action/outputs.js'
import { exitCodeOf } from '../src/cli/index.js'
import { INPUTS } from '../src/inputs/index.js'
import { RUN_STATUSES, TAG_STATUSES } from '../src/promotion/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const pages = [
  'README.md',
  'CHANGELOG.md',
  'emulator/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`)
]

/** The README's table under `heading`: the names in its first column. */
function tableNames(heading: string): string[] {
  const start = readme.indexOf(`${heading}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const lines = readme.slice(start).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'))
  const rows = lines.slice(first, end)
  return rows
    .slice(2)
    .flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!))
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')

describe('the README', () => {
  test('lists every input, and no other', () => {
    expect(tableNames('### Inputs').sort()).toEqual(INPUTS.map((input) => input.name).sort())
  })

  test('lists every output, and no other', () => {
    expect(tableNames('### Outputs').sort()).toEqual([...OUTPUT_NAMES].sort())
  })

  test('explains the owner placeholder once, and uses no other', () => {
    const uses = [...readme.matchAll(/uses: ([\w-]+)\/ecr-promote@(\S+)/g)]
    expect(uses.length).toBeGreaterThan(3)
    expect(new Set(uses.map((match) => match[1]))).toEqual(new Set(['your-org']))
    expect(readme.match(/`your-org` in these examples stands for/g)).toHaveLength(1)
  })
})

describe('statuses and exit codes, as built', () => {
  test("the README's table has every run status, and no other", () => {
    const heading =
      'Run statuses, the same in `result`, the job summary, the record and the command line:'
    expect(tableNames(heading).sort()).toEqual([...RUN_STATUSES].sort())
  })

  test('the README names every tag status', () => {
    const start = readme.indexOf('Tag statuses:')
    const paragraph = readme.slice(start, readme.indexOf('\n\n', start))
    const named = new Set([...paragraph.matchAll(/`([^`]+)`/g)].map((match) => match[1]))
    expect(TAG_STATUSES.filter((status) => !named.has(status))).toEqual([])
  })

  test('docs/cli.md gives each run status the exit code the command line exits with', () => {
    const cli = readFileSync(join(root, 'docs/cli.md'), 'utf8')
    const start = cli.indexOf("By the run's status")
    const sentence = cli.slice(start, cli.indexOf('\n\n', start)).replace(/\s+/g, ' ')
    // "`a`, `b` and `c` exit 0; `d` exits 2; ...": each clause's statuses, then its code.
    const documented = new Map<string, number>()
    for (const clause of sentence.split(';')) {
      const code = Number(/exits? (\d)/.exec(clause)?.[1])
      for (const [, status] of clause.matchAll(/`([^`]+)`/g))
        if (status !== 'result') documented.set(status!, code)
    }
    expect(Object.fromEntries(documented)).toEqual(
      Object.fromEntries(RUN_STATUSES.map((status) => [status, exitCodeOf(status)]))
    )
    const table = [...cli.matchAll(/^\| (\d) +\|/gm)].map((match) => Number(match[1]))
    expect(table).toEqual([0, 1, 2, 3])
  })
})

describe('action.yml', () => {
  test('declares every output the action sets, in its order', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
      outputs: Record<string, { description: string }>
    }
    expect(Object.keys(action.outputs)).toEqual([...OUTPUT_NAMES])
    for (const output of Object.values(action.outputs)) expect(output.description).toMatch(/\S/)
  })
})

describe.each(pages)('%s', (page) => {
  const text = readFileSync(join(root, page), 'utf8')
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)

  test('every relative link leads to a file, and heading, in the repository', () => {
    for (const link of links.filter((link) => !/^[a-z]+:/.test(link))) {
      const [path, anchor] = link.split('#') as [string, string | undefined]
      const target = path === '' ? join(root, page) : join(root, dirname(page), path)
      expect({ link, inRepository: !relative(root, target).startsWith('..') }).toEqual({
        link,
        inRepository: true
      })
      expect({ link, exists: existsSync(target) }).toEqual({ link, exists: true })
      if (anchor !== undefined) {
        const headings = [...readFileSync(target, 'utf8').matchAll(/^#+ (.+)$/gm)].map((match) =>
          anchorOf(match[1]!)
        )
        expect(headings).toContain(anchor)
      }
    }
  })

  if (page === 'emulator/README.md')
    test('links only inside the repository', () => {
      expect(links.filter((link) => /^[a-z]+:/.test(link))).toEqual([])
      expect(text).not.toMatch(/\.\.\/\.\.\//)
    })
})
