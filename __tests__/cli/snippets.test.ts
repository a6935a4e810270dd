// The CI examples in docs/cli.md and the README, as written: each YAML one parsed (CircleCI's by
// CircleCI's own config parser), and every `npx --yes ecr-promote@1` command line in them run by
// bash, as the CI system would, against the local ECR, with the bundle standing in for the
// published package.
import { beforeAll, describe, expect, test } from '@jest/globals'
import circleci from '@circleci/circleci-config-parser'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { useEmulator } from '../../__fixtures__/emulator.js'
import { buildImage, pushImage } from '../../emulator/index.js'
import { CLI_BUNDLE, runCommand } from './run.js'

const root = new URL('../..', import.meta.url).pathname
const read = (path: string) => readFileSync(join(root, path), 'utf8')
const NPX = 'npx --yes ecr-promote@1'

/** The fenced blocks under a heading of a page (to the next heading of any level), by language. */
function blocks(page: string, heading: string): Array<{ lang: string; text: string }> {
  const found: Array<{ lang: string; text: string }> = []
  let inside = false
  let fence: { lang: string; lines: string[] } | undefined
  for (const line of read(page).split('\n')) {
    if (fence) {
      if (line === '```') {
        found.push({ lang: fence.lang, text: `${fence.lines.join('\n')}\n` })
        fence = undefined
      } else fence.lines.push(line)
    } else if (/^#{1,6} /.test(line)) inside = line === heading
    else if (inside && line.startsWith('```')) fence = { lang: line.slice(3), lines: [] }
  }
  expect(read(page)).toContain(`\n${heading}\n`)
  return found
}

/** Every string in a parsed YAML document. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(strings)
      : []

/** The command lines that run the published package, as the shell gets them. */
function commandsIn(block: { lang: string; text: string }): string[] {
  const candidates =
    block.lang === 'yaml'
      ? strings(parse(block.text))
      : block.lang === 'groovy'
        ? [...block.text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((match) => match[1]!)
        : []
  return candidates.filter((text) => text.includes(NPX)).map((text) => text.trim())
}

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const emulator = useEmulator()
// What each CI system would set, for the tags the examples promote from and to.
const CI_VARIABLES = {
  CI_COMMIT_SHORT_SHA: '1a2b3c4',
  CI_COMMIT_TAG: 'v1.4.0',
  BUILDKITE_COMMIT: '1a2b3c4d5e6f',
  BUILDKITE_TAG: 'v1.4.1',
  CIRCLE_SHA1: '9f8e7d6c',
  CIRCLE_TAG: 'v1.4.2',
  SOURCE_TAG: 'staging'
}

let digest: string
beforeAll(() => {
  const repository = emulator.state.createRepository(ACCOUNT, REGION, 'my-app')
  const image = buildImage({ files: { app: randomBytes(64) } })
  digest = pushImage(repository, image, emulator.state.settings, [
    'staging',
    `sha-${CI_VARIABLES.CI_COMMIT_SHORT_SHA}`,
    `sha-${CI_VARIABLES.BUILDKITE_COMMIT}`,
    `sha-${CI_VARIABLES.CIRCLE_SHA1}`
  ])
})

/** Runs a command line with bash in an empty folder, `npx … ecr-promote@1` being the bundle. */
function run(command: string) {
  const script = command.replace(NPX, `"${process.execPath}" "${CLI_BUNDLE}"`)
  return runCommand(
    [],
    { ...emulator.env, ...CI_VARIABLES },
    ['bash', '-e', '-o', 'pipefail', '-c', script],
    mkdtempSync(join(tmpdir(), 'snippet-'))
  )
}

const EXAMPLES = {
  'GitLab CI': 1,
  'Jenkins (declarative pipeline)': 2,
  Buildkite: 1,
  CircleCI: 1
} as const

describe('the CI examples in docs/cli.md', () => {
  test.each(Object.entries(EXAMPLES))(
    '%s: every command line runs as written',
    async (name, count) => {
      const [block, ...others] = blocks('docs/cli.md', `### ${name}`)
      expect(others).toEqual([])
      const commands = commandsIn(block!)
      expect(commands).toHaveLength(count)
      for (const command of commands) {
        const result = await run(command)
        expect({
          command,
          status: result.exitCode,
          stderr: result.stderr.slice(-1500)
        }).toMatchObject({
          status: 0
        })
      }
    }
  )

  test('the tags they promote are in place', () => {
    const tags = emulator.state.repository(ACCOUNT, REGION, 'my-app').tags
    for (const tag of ['v1.4.0', 'v1.4.1', 'v1.4.2', 'latest', 'prod'])
      expect([tag, tags.get(tag)]).toEqual([tag, digest])
  })

  test("CircleCI's parser reads the CircleCI example, and refuses it broken", () => {
    const [block] = blocks('docs/cli.md', '### CircleCI')
    const config = circleci.parseConfig(block!.text)
    expect(config.jobs.map((job) => job.name)).toEqual(['promote'])
    expect(config.workflows.map((workflow) => workflow.name)).toEqual(['release'])
    expect(() => circleci.parseConfig(block!.text.replace('docker:', 'dockr:'))).toThrow()
  })

  test('the README shows the same command lines, and they run too', async () => {
    const commands = blocks('README.md', '## Command line').flatMap(commandsIn)
    expect(commands).toHaveLength(2)
    for (const command of commands) expect((await run(command)).exitCode).toBe(0)
  })
})
