// The bundled command line against the local ECR, as a person or another CI system runs it: what it
// prints, what it writes (the emulator's request log is the witness) and how it exits.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDist } from '../../__fixtures__/actions.js'
import { useEmulator } from '../../__fixtures__/emulator.js'
import type { SeededExample } from '../../emulator/index.js'
import { INPUTS } from '../../src/inputs/index.js'
import packageJson from '../../package.json' with { type: 'json' }
import { runCommand } from './run.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const PROFILE_ACCOUNT = '210987654321'
const emulator = useEmulator({ seed: true, accounts: { AKIDPROFILE: PROFILE_ACCOUNT } })
let seeded: SeededExample

beforeAll(() => {
  seeded = emulator.seedExample()
})

const cli = (...args: string[]) => runCommand(args, emulator.env)
/** The options naming a source image in demo/app. */
const from = (tag: string): string[] => ['--repository=demo/app', `--source-tag=${tag}`]
const puts = (): number => emulator.log.filter((entry) => entry.operation === 'PutImage').length
const tagOf = (tag: string): string | undefined =>
  emulator.state.tagDigest(ACCOUNT, REGION, 'demo/app', tag)
const short = (digest: string): string => digest.slice(0, 'sha256:'.length + 12)

describe('ecr-promote against the local ECR', () => {
  test('promotes, prints the plan and a table of tags, and exits 0; a rerun writes nothing', async () => {
    // Options and their values apart, as people type them.
    const args = ['--repository', 'demo/app', '--source-tag', 'staging']
    const first = await cli(...args, '--tags', 'cli-a', '--tags', 'cli-b,build-1')
    expect(first.stderr).toBe('')
    expect(first.exitCode).toBe(0)
    expect(puts()).toBe(2)
    expect(tagOf('cli-a')).toBe(seeded.image.digest)
    expect(tagOf('cli-b')).toBe(seeded.image.digest)
    expect(first.stdout).toContain('Plan: 2 tags to write of 3')
    expect(first.stdout).toMatch(
      new RegExp(`^cli-a +created +- +${short(seeded.image.digest)}$`, 'm')
    )
    expect(first.stdout).toMatch(/^build-1 +unchanged +sha256:\w{12} +sha256:\w{12}$/m)
    expect(first.stdout).toContain(
      `Promoted ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/demo/app@${seeded.image.digest}.`
    )

    emulator.resetLog()
    const rerun = await cli(...args, '--tags', 'cli-a,cli-b,build-1')
    expect(rerun.exitCode).toBe(0)
    expect(puts()).toBe(0)
    expect(rerun.stdout).toContain('Nothing to do: every tag is already in place.')
  })

  test('a dry run plans, writes nothing and exits 0', async () => {
    const run = await cli(...from('multiarch'), '--tags=build-1,cli-dry', '--dry-run')
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^build-1 +would-move /m)
    expect(run.stdout).toMatch(/^cli-dry +would-create /m)
    expect(run.stdout).toContain('Dry run: nothing was written.')
    expect(puts()).toBe(0)
    expect(tagOf('cli-dry')).toBeUndefined()
  })

  test('--json prints the result output of the action, the same object, alone on stdout', async () => {
    const inputs = {
      repository: 'demo/app',
      'source-tag': 'multiarch',
      tags: 'build-1,cli-json',
      'dry-run': 'true'
    }
    const action = await runDist(inputs, emulator.env)
    // Each input is the option of its name.
    const options = Object.entries(inputs).map(([name, value]) =>
      value === 'true' ? `--${name}` : `--${name}=${value}`
    )
    const run = await cli(...options, '--json')
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(action.result)
    // The log went to stderr, for a person watching a script.
    expect(run.stderr).toContain('Plan (dry run): 2 tags to write of 2')
  })

  test('exits 3 when refused before any write: a protected tag, an unexpected digest', async () => {
    const protectedTag = await cli(...from('multiarch'), '--tags=build-1', '--protect-tags=build-*')
    expect(protectedTag.exitCode).toBe(3)
    expect(protectedTag.stdout).toMatch(/^build-1 +refused /m)
    expect(protectedTag.stdout).toContain('Refused before any write: build-1 (refused).')

    const guarded = await cli(
      ...from('staging'),
      '--tags=cli-guarded',
      `--expected-digest=${seeded.index.digest}`,
      '--json'
    )
    expect(guarded.exitCode).toBe(3)
    expect(JSON.parse(guarded.stdout)).toMatchObject({ status: 'refused', changed: false })
    expect(puts()).toBe(0)
  })

  test('exits 1 when a write fails, saying which tag and what next', async () => {
    // ECR's LimitExceededException does not pass with retries: the run fails at once.
    emulator.setFaults({ rules: [{ kind: 'limit-exceeded', count: 5, operations: ['PutImage'] }] })
    const run = await cli(...from('staging'), '--tags=cli-failing')
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^cli-failing +failed +- +-$/m)
    expect(run.stdout).toContain('1 of 1 tag(s) not promoted: cli-failing (failed).')
    expect(tagOf('cli-failing')).toBeUndefined()
  })

  test('copies into another repository with progress lines, then tags', async () => {
    const run = await cli(
      ...from('multiarch'),
      '--target-repository=demo/app-prod',
      '--tags=cli-copied'
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^ {2}Copied 4 blobs \(\d+ B\) in [\d.]+ s/m)
    expect(run.stdout).toMatch(/^Copied 4 blob\(s\), \d+ B, and 2 manifest\(s\) by digest\.$/m)
    expect(emulator.state.tagDigest(ACCOUNT, REGION, 'demo/app-prod', 'cli-copied')).toBe(
      seeded.index.digest
    )
  })

  test('--quiet keeps the table, --verbose adds each call', async () => {
    const args = [...from('staging'), '--tags=build-1']
    const quiet = await cli(...args, '--quiet')
    expect(quiet.stdout).not.toContain('Plan:')
    expect(quiet.stdout).toMatch(/^build-1 +unchanged /m)
    const verbose = await cli(...args, '--verbose')
    expect(verbose.stdout).toMatch(/debug: .*BatchGetImage.*ok in \d+ ms/)
  })

  test('--profile takes credentials and region from the shared files, as the AWS CLI does', async () => {
    const profileRegion = 'eu-west-1'
    emulator.seedExample(PROFILE_ACCOUNT, profileRegion)
    const dir = mkdtempSync(join(tmpdir(), 'ecr-promote-profile-'))
    writeFileSync(join(dir, 'config'), `[profile promoter]\nregion = ${profileRegion}\n`)
    writeFileSync(
      join(dir, 'credentials'),
      '[promoter]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n'
    )
    const unset = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']
    const env = {
      ...Object.fromEntries(Object.entries(emulator.env).filter(([name]) => !unset.includes(name))),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')
    }
    const args = [...from('staging'), '--tags=cli-profile', '--json']
    const run = await runCommand([...args, '--profile', 'promoter'], env)
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({
      registryId: PROFILE_ACCOUNT,
      region: profileRegion,
      status: 'promoted'
    })
    expect(
      emulator.state.tagDigest(PROFILE_ACCOUNT, profileRegion, 'demo/app', 'cli-profile')
    ).toBe(seeded.image.digest)
    // Without the profile there is no region to go to.
    const without = await runCommand(args, env)
    expect(without.exitCode).toBe(2)
    expect(JSON.parse(without.stdout)).toMatchObject({ status: 'input-error', input: 'region' })
  })
})

describe('ecr-promote refuses a bad command line before any request, with exit 2', () => {
  test.each([
    [['--tagz', 'x'], 'unknown option --tagz; did you mean --tags? (see ecr-promote --help)'],
    [['--tags'], '--tags needs a value (see ecr-promote --help)'],
    [['--dry-run=yes'], '--dry-run takes no value (see ecr-promote --help)'],
    [['--tags', 'bad tag'], '--tags: "bad tag" is not a valid tag;'],
    [['--registry-id', '42'], '--registry-id: "42" is not an AWS account id (12 digits)'],
    [['--source-digest', 'sha256:1234'], '--source-digest: "sha256:1234" is not an image digest']
  ])('%j', async (extra, message) => {
    const run = await cli(...from('staging'), '--tags=x', ...extra)
    expect(run.exitCode).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr.split('\n')).toHaveLength(2)
    expect(run.stderr).toContain(`ecr-promote: ${message}`)
    expect(emulator.log).toHaveLength(0)
  })

  test('with --json, the failure is the action’s early-failure record', async () => {
    const run = await cli('--repository=Demo/App', '--source-tag=staging', '--tags=x', '--json')
    expect(run.exitCode).toBe(2)
    expect(JSON.parse(run.stdout)).toEqual({
      status: 'input-error',
      error: expect.stringMatching(/^Input "repository": /),
      input: 'repository',
      dryRun: false,
      changed: false,
      provenance: {}
    })
  })
})

test('--help names every input as an option; --version is the package’s', async () => {
  const help = await cli('--help')
  expect(help.exitCode).toBe(0)
  for (const input of INPUTS)
    expect(help.stdout).toMatch(new RegExp(`--(\\[no-\\])?${input.name}\\b`))
  const version = await cli('--version')
  expect(version.stdout).toBe(`ecr-promote ${packageJson.version}\n`)
})
