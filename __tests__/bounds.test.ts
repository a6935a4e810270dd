// Inputs with bounds: durations carry their unit and work up to a year, a release file is bounded
// in size and must stay inside the workspace. Each is met as a user meets it, on the bundled action.
import { describe, expect, jest, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runDist } from '../__fixtures__/actions.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { INPUTS } from '../src/inputs/index.js'
import { parseDuration } from '../src/inputs/values.js'
import { after } from '../src/session/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const DAY = 86_400_000
const emulator = useEmulator()
let counter = 0

function seeded() {
  counter++
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `bounds/app${counter}`)
  const image = buildImage({ files: { bin: randomBytes(64) } })
  pushImage(repository, image, emulator.state.settings, ['staging'])
  return { repository, image }
}

describe('durations', () => {
  test('a bare number is an input error that names the fix; a unit is read as written', () => {
    expect(() => parseDuration('timeout', '600')).toThrow(
      '"600" has no unit; write it with one, such as 600s or 600m'
    )
    expect(parseDuration('timeout', '30d')).toBe(30 * DAY)
    expect(parseDuration('timeout', '1h30m')).toBe(90 * 60_000)
    expect(() => parseDuration('timeout', '400d')).toThrow('longer than a year')
  })

  test('a deadline past Node’s 24.8-day timer limit fires when it should, not at once', () => {
    jest.useFakeTimers()
    try {
      const fired = jest.fn()
      after(30 * DAY, fired)
      jest.advanceTimersByTime(DAY)
      expect(fired).not.toHaveBeenCalled()
      jest.advanceTimersByTime(29 * DAY - 1)
      expect(fired).not.toHaveBeenCalled()
      jest.advanceTimersByTime(1)
      expect(fired).toHaveBeenCalledTimes(1)
    } finally {
      jest.useRealTimers()
    }
  })

  test('the bundled action: timeout 30d lets a healthy run promote; timeout 600 writes nothing', async () => {
    const { repository, image } = seeded()
    const inputs = { repository: repository.name, 'source-tag': 'staging', tags: 'prod' }
    // As the runner does: every input action.yml gives a default arrives set to it.
    const defaults = Object.fromEntries(
      INPUTS.filter((input) => input.default !== undefined).map((input) => [
        input.name,
        input.default!
      ])
    )
    const bare = await runDist({ ...defaults, ...inputs, timeout: '600' }, emulator.env)
    expect(bare.exitCode).toBe(1)
    expect(bare.stdout).toContain('has no unit')
    expect(bare.result).toMatchObject({ status: 'input-error', input: 'timeout' })
    expect(emulator.counts()).toEqual({})
    // The summary lists what the workflow gave, not the defaults.
    const given = /<summary>Inputs given \(defaults left out\)<\/summary>(.*)<\/details>/.exec(
      bare.summary
    )![1]!
    expect([...given.matchAll(/<li><code>([^<]+)<\/code>/g)].map((match) => match[1])).toEqual([
      'repository',
      'source-tag',
      'tags',
      'timeout'
    ])
    const month = await runDist({ ...inputs, timeout: '30d' }, emulator.env)
    expect(month.exitCode).toBe(0)
    expect(month.result?.status).toBe('promoted')
    expect(repository.tags.get('prod')).toBe(image.digest)
  })
})

describe('a release file', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'ecr-promote-workspace-'))
  const outside = mkdtempSync(join(tmpdir(), 'ecr-promote-outside-'))
  const env = () => ({ ...emulator.env, GITHUB_WORKSPACE: workspace })

  test('of 100 MB is refused at once, by its size, before it is read', async () => {
    // A sparse file: 100 MB long, and nothing allocated, so only reading it would cost memory.
    const big = join(workspace, 'huge.yaml')
    writeFileSync(big, '')
    truncateSync(big, 100 * 1024 * 1024)
    const run = await runDist({ 'sources-file': 'huge.yaml', tags: 'prod' }, env())
    expect(run.exitCode).toBe(1)
    expect(run.result).toMatchObject({ status: 'input-error', input: 'sources-file' })
    expect(run.stdout).toContain('"huge.yaml" is 104857600 bytes, over the 4194304 (4 MiB)')
    expect(emulator.counts()).toEqual({})
  })

  test('outside the workspace, named or through a link, is not read', async () => {
    const { repository } = seeded()
    const secret = join(outside, 'release.yaml')
    writeFileSync(secret, `- repository: ${repository.name}\n  tag: staging\n`)
    symlinkSync(secret, join(workspace, 'linked.yaml'))
    for (const file of [
      secret,
      '../' + join(outside.split('/').pop()!, 'release.yaml'),
      'linked.yaml'
    ]) {
      const run = await runDist({ 'sources-file': file, tags: 'prod' }, env())
      expect(run.exitCode).toBe(1)
      expect(run.result).toMatchObject({ status: 'input-error', input: 'sources-file' })
      expect(run.stdout).toContain('is outside the workspace')
    }
    expect(emulator.counts()).toEqual({})
    // Inside it, the same file is read and promoted.
    writeFileSync(
      join(workspace, 'release.yaml'),
      `- repository: ${repository.name}\n  tag: staging\n`
    )
    const inside = await runDist({ 'sources-file': 'release.yaml', tags: 'prod' }, env())
    expect(inside.exitCode).toBe(0)
  })
})
