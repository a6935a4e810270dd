// create-repository: a promotion into a target repository that does not exist yet, through the
// bundled action and the command line against the local ECR.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { readRecord } from '../__fixtures__/record.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { runCommand } from './cli/run.js'

const DEV = '111111111111'
const REGION = 'us-east-1'
const HOST = `${DEV}.dkr.ecr.${REGION}.amazonaws.com`
const KEY = `arn:aws:kms:${REGION}:${DEV}:key/1234abcd-12ab-34cd-56ef-1234567890ab`

const emulator = useEmulator({ defaultAccount: DEV })

let counter = 0
/** A source repository with settings of its own, holding an image under `rc`; no target. */
function source() {
  counter++
  const repository = emulator.state.createRepository(DEV, REGION, `team/app${counter}`, {
    tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    exclusionFilters: ['latest*'],
    scanOnPush: true,
    encryption: { encryptionType: 'KMS', kmsKey: KEY }
  })
  const image = buildImage({ files: { 'bin/app': randomBytes(4096) } })
  pushImage(repository, image, emulator.state.settings, ['rc'])
  const target = `release/app${counter}`
  return {
    repository,
    image,
    target,
    inputs: {
      repository: `${HOST}/${repository.name}`,
      'source-tag': 'rc',
      'target-repository': `${HOST}/${target}`,
      tags: 'v1, latest'
    }
  }
}

const created = (name: string) => emulator.state.store.find(DEV, REGION, name)
const writes = () =>
  emulator.log.filter((entry) =>
    /CreateRepository|PutImage|InitiateLayerUpload|UploadLayerPart|CompleteLayerUpload/.test(
      entry.operation
    )
  )

describe('create-repository', () => {
  test('creates a missing target with the source repository’s settings and promotes in one step', async () => {
    const { image, target, inputs } = source()
    const run = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    const repository = created(target)!
    expect(repository).toMatchObject({
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      exclusionFilters: ['latest*'],
      scanOnPush: true,
      encryption: { encryptionType: 'KMS', kmsKey: KEY }
    })
    expect(repository.tags.get('v1')).toBe(image.digest)
    expect(repository.tags.get('latest')).toBe(image.digest)
    // Before any copy, once; the plan said so first.
    const operations = emulator.log.map((entry) => entry.operation)
    expect(operations.filter((op) => op === 'CreateRepository')).toHaveLength(1)
    expect(operations.indexOf('CreateRepository')).toBeLessThan(
      operations.indexOf('InitiateLayerUpload')
    )
    expect(run.stdout).toMatch(/Repository: does not exist; created before the copy/)
    expect(run.result).toMatchObject({
      status: 'promoted',
      changed: true,
      newRepository: {
        created: true,
        settings: { mutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', filters: ['latest*'] } }
      }
    })
    expect(readRecord(run.outputs.record).images[0]!.repositoryCreated).toBe(true)
    expect(run.summary).toContain('Created the target repository')
    expect(run.summary).toContain('tag mutability IMMUTABLE_WITH_EXCLUSION (latest*)')

    // A rerun finds the repository and the tags in place: nothing to write.
    emulator.resetLog()
    const rerun = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.result?.status).toBe('unchanged')
    expect(rerun.result?.newRepository).toBeUndefined()
    expect(writes()).toHaveLength(0)
    // The log opens no group for writes there are none of.
    expect(rerun.stdout).toContain('::group::Plan: nothing to write')
    expect(rerun.stdout).not.toContain('::group::Apply')
  })

  test('a CreateRepository whose answer was lost is read back: the run says it created the repository', async () => {
    const { image, target, inputs } = source()
    // ECR creates it, then the connection drops: the retry hears that it exists already.
    emulator.setFaults({
      rules: [{ kind: 'drop-after', nth: 1, operations: ['CreateRepository'] }]
    })
    const run = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(run.exitCode).toBe(0)
    expect(emulator.counts().CreateRepository).toBe(2)
    expect(created(target)!.tags.get('v1')).toBe(image.digest)
    expect(run.result?.newRepository?.created).toBe(true)
    expect(readRecord(run.outputs.record).images[0]!.repositoryCreated).toBe(true)
    expect(run.summary).toContain('Created the target repository')
    expect(run.stdout).toContain('its answer was lost')
  })

  test('a repository someone else created while the answer was lost is not claimed as created', async () => {
    const { image, target, inputs } = source()
    // The first CreateRepository never reaches ECR, and meanwhile someone else's creates it: the
    // retry hears that it exists, and its creation time is not this run's.
    let first = true
    emulator.onRequest((request) => {
      if (request.operation !== 'CreateRepository' || !first) return undefined
      first = false
      const theirs = emulator.state.createRepository(DEV, REGION, target)
      theirs.createdAt = new Date(Date.now() - 60_000)
      return { drop: true }
    })
    const run = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(run.exitCode).toBe(0)
    expect(emulator.counts().CreateRepository).toBe(2)
    expect(created(target)!.tags.get('v1')).toBe(image.digest)
    expect(run.result?.newRepository?.created).toBe(false)
    expect(run.stdout).toContain('was created meanwhile')
  })

  test('a repository someone else created while the run was throttled is not claimed as created', async () => {
    const { target, inputs } = source()
    // ECR answers the first CreateRepository (throttled: not applied), and someone else's creates
    // it at once: the run's retry hears that it exists, and no answer of the run's was lost.
    let first = true
    emulator.onRequest((request) => {
      if (request.operation !== 'CreateRepository' || !first) return undefined
      first = false
      emulator.state.createRepository(DEV, REGION, target)
      return { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }
    })
    const run = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(run.exitCode).toBe(0)
    expect(emulator.counts().CreateRepository).toBe(2)
    expect(run.result?.newRepository?.created).toBe(false)
    expect(run.stdout).toContain('was created meanwhile')
  })

  test("a creation template that applies on push is respected over the source's settings", async () => {
    const { image, target, inputs } = source()
    const templateKey = `arn:aws:kms:${REGION}:${DEV}:key/release-template`
    emulator.state.setCreationTemplate(DEV, REGION, {
      prefix: 'release',
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'IMMUTABLE',
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: templateKey },
      resourceTags: [{ Key: 'team', Value: 'platform' }],
      lifecyclePolicy: '{"rules":[]}'
    })
    // A template for replication only, and a ROOT one that a longer prefix wins over: not used.
    emulator.state.setCreationTemplate(DEV, REGION, {
      prefix: 'ROOT',
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'MUTABLE'
    })
    emulator.state.setCreationTemplate(DEV, REGION, {
      prefix: 'release/app',
      appliedFor: ['REPLICATION'],
      imageTagMutability: 'MUTABLE'
    })
    try {
      const run = await runDist(
        { ...inputs, tags: 'v1', 'create-repository': 'true' },
        emulator.env
      )
      expect(run.stdout).not.toContain('::error')
      expect(run.exitCode).toBe(0)
      expect(created(target)).toMatchObject({
        tagMutability: 'IMMUTABLE',
        exclusionFilters: [],
        // Templates carry no scanning setting: the source's.
        scanOnPush: true,
        encryption: { encryptionType: 'KMS', kmsKey: templateKey },
        resourceTags: [{ Key: 'team', Value: 'platform' }]
      })
      expect(created(target)!.tags.get('v1')).toBe(image.digest)
      expect(run.summary).toContain("the creation template release's settings")
      expect(run.summary).toContain('not applied: its lifecycle policy')
    } finally {
      emulator.state.store.creationTemplates.clear()
    }
  })

  test('a release into two new repositories creates both, reading the templates once', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'create-release-'))
    const [first, second] = [source(), source()]
    writeFileSync(
      join(workspace, 'release.json'),
      JSON.stringify(
        [first!, second!].map((entry) => ({
          repository: entry.repository.name,
          tag: 'rc',
          'target-repository': entry.target
        }))
      )
    )
    const run = await runDist(
      {
        'sources-file': 'release.json',
        tags: 'v1',
        region: REGION,
        'create-repository': 'true'
      },
      { ...emulator.env, GITHUB_WORKSPACE: workspace }
    )
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    for (const entry of [first!, second!])
      expect(created(entry.target)?.tags.get('v1')).toBe(entry.image.digest)
    const calls = (operation: string) =>
      emulator.log.filter((entry) => entry.operation === operation).length
    expect(calls('CreateRepository')).toBe(2)
    expect(calls('DescribeRepositoryCreationTemplates')).toBe(1)
  })

  test('without it, a missing target fails before any write, naming the input', async () => {
    const { target, inputs } = source()
    const run = await runDist(inputs, emulator.env)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('failed')
    expect(run.result?.problem).toMatch(/Target: .*does not exist.*create-repository: true/s)
    expect(run.stdout).toMatch(/::error title=Target repository not found.*create-repository/)
    expect(created(target)).toBeUndefined()
    expect(writes()).toHaveLength(0)
  })

  test('a dry run says it would create the repository, and creates nothing', async () => {
    const { target, inputs } = source()
    const run = await runDist(
      { ...inputs, 'create-repository': 'true', 'dry-run': 'true' },
      emulator.env
    )
    expect(run.exitCode).toBe(0)
    expect(run.result).toMatchObject({
      status: 'dry-run',
      changed: false,
      newRepository: { created: false }
    })
    expect(run.result?.tags.map((tag) => tag.status)).toEqual(['would-create', 'would-create'])
    expect(run.summary).toContain('Would create the target repository')
    expect(created(target)).toBeUndefined()
    expect(writes()).toHaveLength(0)
  })

  test('CreateRepository denied: the run fails naming the permission, and writes no tag', async () => {
    const { target, inputs } = source()
    emulator.onRequest((request) =>
      request.operation === 'CreateRepository'
        ? { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
        : undefined
    )
    const run = await runDist({ ...inputs, 'create-repository': 'true' }, emulator.env)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('failed')
    expect(run.result?.copy?.error).toMatch(/needs ecr:CreateRepository/)
    expect(run.result?.newRepository).toEqual(expect.objectContaining({ created: false }))
    expect(created(target)).toBeUndefined()
    expect(emulator.log.filter((entry) => /PutImage|LayerUpload/.test(entry.operation))).toEqual([])
  })

  test('the command line takes --create-repository', async () => {
    const { image, target, inputs } = source()
    const run = await runCommand(
      [
        '--repository',
        inputs.repository,
        '--source-tag',
        'rc',
        '--target-repository',
        inputs['target-repository'],
        '--tags',
        'v1',
        '--create-repository'
      ],
      emulator.env
    )
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      /Created the target repository .*release\/app\d+ with the source repository's settings: tag mutability/
    )
    expect(created(target)?.tags.get('v1')).toBe(image.digest)
  })
})
