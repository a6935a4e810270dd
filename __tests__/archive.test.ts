// ECR's archive storage class, through the bundled action against the local ECR: an archived
// source, or an index whose child is archived, is refused before any write with the way to restore
// it; restore-archived restores it, waits for it, and promotes.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { buildImage, buildIndex, buildReferrer, pushImage } from '../emulator/index.js'

const ACCOUNT = '111111111111'
const REGION = 'us-east-1'
// A restore takes a fifth of a second here (ECR: up to about 20 minutes).
const emulator = useEmulator({ defaultAccount: ACCOUNT, restoreMs: 200 })

let counter = 0
function archived(status: 'ARCHIVED' | 'ACTIVATING' = 'ARCHIVED') {
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `archive/app${++counter}`)
  const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
  pushImage(repository, image, emulator.state.settings, ['staging'])
  emulator.state.setArtifactStatus(ACCOUNT, REGION, repository.name, image.digest, status)
  return { repository, image }
}

/** The action run on `repository:staging` -> `prod`, with any other inputs. */
const promote = (repository: { name: string }, inputs: Record<string, string> = {}) =>
  runDist(
    { repository: repository.name, 'source-tag': 'staging', tags: 'prod', ...inputs },
    emulator.env
  )

const calls = (operation: string) =>
  emulator.log.filter((entry) => entry.operation === operation).length

describe('an archived source', () => {
  test('is refused before any write, with how to restore it', async () => {
    const { repository } = archived()
    const run = await promote(repository)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('refused')
    expect(run.result?.problem).toContain('is ARCHIVED')
    expect(run.result?.problem).toContain('update-image-storage-class')
    expect(run.result?.problem).toContain('restore-archived: true')
    expect(run.stdout).toMatch(/::error title=Archived::/)
    expect(repository.tags.has('prod')).toBe(false)
    expect(calls('PutImage')).toBe(0)
    expect(calls('UpdateImageStorageClass')).toBe(0)
  })

  test('one being restored says so', async () => {
    const { repository, image } = archived('ACTIVATING')
    // A restore that does not finish while the test runs, however slow the machine.
    repository.images.get(image.digest)!.activatesAt = Date.now() + 60_000
    const run = await promote(repository)
    expect(run.result?.status).toBe('refused')
    expect(run.result?.problem).toContain('is being restored')
  })

  test('restore-archived: true restores it, waits until it is ACTIVE, and promotes', async () => {
    const { repository, image } = archived()
    const run = await promote(repository, { 'restore-archived': 'true' })
    expect(run.exitCode).toBe(0)
    expect(repository.tags.get('prod')).toBe(image.digest)
    expect(calls('UpdateImageStorageClass')).toBe(1)
    expect(run.stdout).toContain('restoring 1 archived manifest(s)')
    expect(run.stdout).toMatch(/restored from the archive in \d+s/)
  })

  test('a dry run with restore-archived restores nothing', async () => {
    const { repository } = archived()
    const run = await promote(repository, { 'restore-archived': 'true', 'dry-run': 'true' })
    expect(run.result?.status).toBe('refused')
    expect(run.result?.problem).toContain('a dry run restores nothing')
    expect(calls('UpdateImageStorageClass')).toBe(0)
  })
})

test('without ecr:DescribeImages on the source, the run warns that it could not tell, and goes on', async () => {
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `archive/open${++counter}`)
  const target = emulator.state.createRepository(ACCOUNT, REGION, `archive/open-prod${counter}`)
  const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
  pushImage(repository, image, emulator.state.settings, ['staging'])
  emulator.onRequest(({ operation, body }) =>
    operation === 'DescribeImages' && body.repositoryName === repository.name
      ? { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
      : undefined
  )
  const run = await promote(repository, { 'target-repository': target.name })
  expect(run.exitCode).toBe(0)
  expect(target.tags.get('prod')).toBe(image.digest)
  expect(run.stdout).toMatch(/::warning::Whether images in .* are archived could not be read/)
})

describe('an index whose child is archived', () => {
  const platformImage = (architecture: string) => ({
    ...buildImage({
      files: { [`bin/${architecture}`]: randomBytes(512) },
      platform: { os: 'linux', architecture }
    }),
    platform: { os: 'linux', architecture }
  })

  function indexWithArchivedChild() {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, `archive/multi${++counter}`)
    const children = [platformImage('amd64'), platformImage('arm64')]
    for (const child of children) pushImage(repository, child, emulator.state.settings)
    const index = buildIndex(children)
    pushImage(repository, index, emulator.state.settings, ['staging'])
    emulator.state.setArtifactStatus(
      ACCOUNT,
      REGION,
      repository.name,
      children[1]!.digest,
      'ARCHIVED'
    )
    return { repository, index, archivedChild: children[1]! }
  }

  test('is refused, naming the child, when promoted into another repository', async () => {
    const { repository, archivedChild } = indexWithArchivedChild()
    const target = emulator.state.createRepository(ACCOUNT, REGION, `archive/prod${counter}`)
    const run = await promote(repository, { 'target-repository': target.name })
    expect(run.result?.status).toBe('refused')
    expect(run.result?.problem).toContain(`${archivedChild.digest} is ARCHIVED`)
    expect(target.tags.size).toBe(0)
    expect(calls('InitiateLayerUpload')).toBe(0)
  })

  test('is refused in place too, and restored with restore-archived', async () => {
    const { repository, index } = indexWithArchivedChild()
    const refused = await promote(repository)
    expect(refused.result?.status).toBe('refused')
    const run = await promote(repository, { 'restore-archived': 'true' })
    expect(run.exitCode).toBe(0)
    expect(repository.tags.get('prod')).toBe(index.digest)
  })
})

describe('an archived referrer', () => {
  test('is refused when referrers are copied, and restored and copied with restore-archived', async () => {
    const repository = emulator.state.createRepository(
      ACCOUNT,
      REGION,
      `archive/signed${++counter}`
    )
    const target = emulator.state.createRepository(ACCOUNT, REGION, `archive/signed-prod${counter}`)
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    const signature = buildReferrer(image, 'application/vnd.example.signature.v1+json', 'signed')
    pushImage(repository, signature, emulator.state.settings)
    emulator.state.setArtifactStatus(ACCOUNT, REGION, repository.name, signature.digest, 'ARCHIVED')
    const inputs = {
      repository: repository.name,
      'source-tag': 'staging',
      'target-repository': target.name,
      tags: 'prod'
    }
    const refused = await runDist(inputs, emulator.env)
    expect(refused.result?.status).toBe('refused')
    expect(refused.result?.problem).toContain(`${signature.digest} is ARCHIVED`)
    expect(target.images.size).toBe(0)
    const run = await runDist({ ...inputs, 'restore-archived': 'true' }, emulator.env)
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('prod')).toBe(image.digest)
    expect(target.images.has(signature.digest)).toBe(true)
  })
})
