// Rolling back from a record: the bundled action's rollback-record and the command line's
// `ecr-promote rollback --record FILE`, against the local ECR. Each tag the recorded run wrote goes
// back where it was, only where it still points at what that run wrote.
import { describe, expect, test } from '@jest/globals'
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { readRecord } from '../__fixtures__/record.js'
import { buildImage, pushImage } from '../emulator/index.js'
import type { ImageResultJson, ReleaseResultJson } from '../src/promotion/index.js'
import { runCommand } from './cli/run.js'

const DEV = '111111111111'
const REGION = 'us-east-1'

const emulator = useEmulator({ defaultAccount: DEV })
const here = mkdtempSync(join(tmpdir(), 'rollback-record-'))

let counter = 0
/** Two services with v1 live, promoted to v2 (live moved, next created) by a release. */
async function releasedWithRecord() {
  counter++
  const services = ['api', 'web'].map((name) => {
    const repository = emulator.state.createRepository(DEV, REGION, `rr${counter}/${name}`)
    const v1 = buildImage({ files: { [`bin/${name}`]: randomBytes(256) } })
    const v2 = buildImage({ files: { [`bin/${name}`]: randomBytes(256) } })
    pushImage(repository, v1, emulator.state.settings, ['live'])
    pushImage(repository, v2, emulator.state.settings, ['rc'])
    return { repository, v1, v2 }
  })
  const [api, web] = [services[0]!, services[1]!]
  const run = await runDist(
    {
      sources: `${api.repository.name}:rc\n${web.repository.name}:rc`,
      tags: 'live, next',
      region: REGION
    },
    emulator.env
  )
  expect(run.exitCode).toBe(0)
  expect(api.repository.tags.get('live')).toBe(api.v2.digest)
  // As a workflow keeps it: the record file, uploaded and downloaded as an artifact.
  const record = join(here, `record-${counter}.json`)
  copyFileSync(run.outputs.record!, record)
  return { api, web, record }
}

const writes = () =>
  emulator.log.filter(
    (entry) => entry.operation === 'PutImage' || entry.operation === 'BatchDeleteImage'
  )

describe('rollback-record: the action', () => {
  test('puts a whole release back in one step, and records what it did', async () => {
    const { api, web, record } = await releasedWithRecord()
    const run = await runDist({ 'rollback-record': record }, emulator.env)
    expect(run.exitCode).toBe(0)
    for (const { repository, v1 } of [api, web]) {
      expect(repository.tags.get('live')).toBe(v1.digest)
      expect(repository.tags.has('next')).toBe(false)
      // The image the release promoted is still there, under its own tag.
      expect(repository.tags.has('rc')).toBe(true)
    }
    const result = JSON.parse(run.outputs.result!) as ReleaseResultJson
    expect(result.status).toBe('rolled-back')
    expect(result.rollbackOf?.promotedAt).toMatch(/^\d{4}-/)
    expect(result.images[0]!.tags).toEqual([
      expect.objectContaining({
        tag: 'live',
        status: 'rolled-back',
        previousDigest: api.v2.digest,
        digestAfter: api.v1.digest
      }),
      expect.objectContaining({
        tag: 'next',
        status: 'rolled-back',
        previousDigest: api.v2.digest,
        digestAfter: null
      })
    ])
    expect(run.outputs.changed).toBe('true')
    expect(run.outputs.images).toBe('')
    expect(run.summary).toContain('Rolled back a release of 2 images: all 4 tags its run wrote')
    const own = readRecord(run.outputs.record)
    expect(own.status).toBe('rolled-back')
    expect(own.rollbackOf).toEqual(result.rollbackOf)
    expect(own.images[0]!.tags[0]).toEqual({
      tag: 'live',
      status: 'rolled-back',
      previousDigest: api.v2.digest,
      digestAfter: api.v1.digest
    })
    // The undo of live is pinned to v1's digest, as every write.
    expect(
      writes().some(
        (entry) =>
          entry.body?.repositoryName === api.repository.name &&
          entry.body.imageTag === 'live' &&
          entry.body.imageDigest === api.v1.digest
      )
    ).toBe(true)
    // Run again: everything is already back; nothing is written.
    const before = writes().length
    const again = await runDist({ 'rollback-record': record }, emulator.env)
    expect(again.exitCode).toBe(0)
    expect(writes()).toHaveLength(before)
    expect((JSON.parse(again.outputs.result!) as ReleaseResultJson).status).toBe('unchanged')
    expect(again.outputs.changed).toBe('false')
  })

  test('a dry run says what it would put back, and writes nothing', async () => {
    const { api, record } = await releasedWithRecord()
    const before = writes().length
    const run = await runDist({ 'rollback-record': record, 'dry-run': 'true' }, emulator.env)
    expect(run.exitCode).toBe(0)
    expect(writes()).toHaveLength(before)
    expect(api.repository.tags.get('live')).toBe(api.v2.digest)
    const result = JSON.parse(run.outputs.result!) as ReleaseResultJson
    expect(result.status).toBe('dry-run')
    expect(result.images[0]!.tags.map((tag) => tag.status)).toEqual([
      'would-roll-back',
      'would-roll-back'
    ])
    expect(run.summary).toContain(
      'Dry run: rolling back a release of 2 images would put back 4 tags'
    )
  })

  test('other image inputs, a dry run’s record, and a file that is no record are input errors', async () => {
    const { record } = await releasedWithRecord()
    const withTags = await runDist({ 'rollback-record': record, tags: 'prod' }, emulator.env)
    expect(withTags.exitCode).toBe(1)
    expect(JSON.parse(withTags.outputs.result!)).toMatchObject({
      status: 'input-error',
      input: 'tags'
    })
    expect(withTags.stdout).toContain('does not apply to a rollback from a record')
    const notJson = join(here, 'not.json')
    writeFileSync(notJson, 'live: v1\n')
    const bad = await runDist({ 'rollback-record': notJson }, emulator.env)
    expect(bad.stdout).toMatch(/rollback-record.*is not JSON/)
    const dry = join(here, 'dry.json')
    writeFileSync(dry, JSON.stringify({ tool: { name: 'ecr-promote' }, dryRun: true, images: [] }))
    const dryRun = await runDist({ 'rollback-record': dry }, emulator.env)
    expect(dryRun.stdout).toContain('is the record of a dry run, which wrote nothing to undo')
    expect(writes().filter((entry) => entry.operation === 'BatchDeleteImage')).toHaveLength(0)
  })
})

describe('ecr-promote rollback --record', () => {
  test('refuses a tag a later promotion moved, and puts back the rest', async () => {
    const { api, web, record } = await releasedWithRecord()
    // A later, unrelated promotion moves web's live to a hotfix.
    const hotfix = buildImage({ files: { 'bin/hotfix': randomBytes(64) } })
    pushImage(web.repository, hotfix, emulator.state.settings, ['hotfix'])
    const later = await runCommand(
      ['--repository', web.repository.name, '--source-tag', 'hotfix', '--tags', 'live'],
      { ...emulator.env, AWS_REGION: REGION }
    )
    expect(later.exitCode).toBe(0)
    const run = await runCommand(['rollback', '--record', record, '--json'], emulator.env)
    expect(run.exitCode).toBe(3)
    expect(api.repository.tags.get('live')).toBe(api.v1.digest)
    expect(api.repository.tags.has('next')).toBe(false)
    expect(web.repository.tags.get('live')).toBe(hotfix.digest)
    expect(web.repository.tags.has('next')).toBe(false)
    const result = JSON.parse(run.stdout) as ReleaseResultJson
    expect(result.status).toBe('refused')
    const live = result.images[1]!.tags.find((tag) => tag.tag === 'live')
    expect(live).toMatchObject({ status: 'refused', digestAfter: hotfix.digest })
    expect(live?.message).toContain(`moved since, to ${hotfix.digest}, by someone else`)
    expect(run.stderr).toContain('1 of 4 tag(s) not rolled back: live (refused)')
    expect(run.stderr).toContain('a rollback undoes only what that run wrote')
  })

  test('a dry run on the terminal shows each tag going back', async () => {
    const { api, record } = await releasedWithRecord()
    const run = await runCommand(['rollback', '--record', record, '--dry-run'], emulator.env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/live\s+would-roll-back\s+sha256:\w+\s+sha256:\w+/)
    expect(run.stdout).toContain(api.v1.digest.slice(0, 19))
    expect(run.stdout).toContain('Run again without --dry-run to roll back.')
    expect(api.repository.tags.get('live')).toBe(api.v2.digest)
  })

  test("the command line's own --json result is a record it can roll back", async () => {
    counter++
    const repository = emulator.state.createRepository(DEV, REGION, `rr${counter}/cli`)
    const v1 = buildImage({ files: { bin: randomBytes(64) } })
    const v2 = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(repository, v1, emulator.state.settings, ['prod'])
    pushImage(repository, v2, emulator.state.settings, ['staging'])
    const env = { ...emulator.env, AWS_REGION: REGION }
    const promoted = await runCommand(
      ['--repository', repository.name, '--source-tag', 'staging', '--tags', 'prod,v2', '--json'],
      env
    )
    expect(promoted.exitCode).toBe(0)
    const result = join(here, `result-${counter}.json`)
    writeFileSync(result, promoted.stdout)
    const run = await runCommand(['rollback', '--record', result], env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/prod\s+rolled-back/)
    expect(run.stdout).toContain('Rolled back: every tag that run wrote is where it was before it.')
    expect(repository.tags.get('prod')).toBe(v1.digest)
    expect(repository.tags.has('v2')).toBe(false)
  })

  test('rollback needs --record, and --record needs rollback', async () => {
    const bare = await runCommand(['rollback'], emulator.env)
    expect(bare.exitCode).toBe(2)
    expect(bare.stderr).toContain('rollback needs --record FILE')
    const stray = await runCommand(['--record', 'x.json'], emulator.env)
    expect(stray.exitCode).toBe(2)
    expect(stray.stderr).toContain('--record goes with the rollback command')
  })

  test('a single image’s record, after a later promotion of another tag, rolls back alone', async () => {
    counter++
    const repository = emulator.state.createRepository(DEV, REGION, `rr${counter}/solo`)
    const v1 = buildImage({ files: { bin: randomBytes(64) } })
    const v2 = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(repository, v1, emulator.state.settings, ['prod'])
    pushImage(repository, v2, emulator.state.settings, ['staging'])
    const promoted = await runCommand(
      ['--repository', repository.name, '--source-tag', 'staging', '--tags', 'prod', '--json'],
      { ...emulator.env, AWS_REGION: REGION }
    )
    expect(promoted.exitCode).toBe(0)
    expect((JSON.parse(promoted.stdout) as ImageResultJson).tags[0]!.status).toBe('moved')
    const run = await runDist(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod' },
      {
        ...emulator.env,
        AWS_REGION: REGION
      }
    )
    // The action's record of the (unchanged) run has nothing to undo; the command line's run did
    // the move: its record is what a rollback takes.
    expect(run.exitCode).toBe(0)
    const noop = await runCommand(['rollback', '--record', run.outputs.record!], emulator.env)
    expect(noop.exitCode).toBe(0)
    expect(noop.stdout).toContain('Nothing to do')
    expect(repository.tags.get('prod')).toBe(v2.digest)
  })
})
