// The bundled action, started as the runner starts it (node dist/index.js, Node 24), against the
// local ECR emulator: what users get, with the emulator's request log as the witness.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runDist } from '../__fixtures__/actions.js'
import { pushImage, type SeededExample } from '../emulator/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const emulator = useEmulator({ seed: true })
let seeded: SeededExample
let env: NodeJS.ProcessEnv

beforeAll(() => {
  seeded = emulator.seedExample()
  env = emulator.env
})

const writes = (): number => emulator.log.filter((entry) => entry.operation === 'PutImage').length
const tagOf = (repository: string, tag: string): string | undefined =>
  emulator.state.tagDigest(ACCOUNT, REGION, repository, tag)

describe('the bundled action against the local ECR', () => {
  test('promotes with one BatchGetImage and one PutImage per changed tag; a rerun makes no PutImage', async () => {
    const inputs = { repository: 'demo/app', 'source-tag': 'staging', tags: 'e2e-a,e2e-b,build-1' }
    const first = await runDist(inputs, env)
    expect(first.stderr).toBe('')
    expect(first.exitCode).toBe(0)
    // The tag mutability is read beside the images, in parallel: no extra round trip.
    expect(emulator.counts()).toEqual({
      BatchGetImage: 1,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: 2
    })
    expect(tagOf('demo/app', 'e2e-a')).toBe(seeded.image.digest)
    expect(tagOf('demo/app', 'e2e-b')).toBe(seeded.image.digest)
    expect(first.outputs.digest).toBe(seeded.image.digest)
    expect(first.outputs.images?.split('\n')).toEqual([
      `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/demo/app:e2e-a`,
      `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/demo/app:e2e-b`,
      `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/demo/app:build-1`
    ])
    expect(first.result?.tags.map((tag) => tag.status)).toEqual(['created', 'created', 'unchanged'])
    const put = emulator.log.find((entry) => entry.operation === 'PutImage')!
    expect(put.body).toMatchObject({
      imageManifest: seeded.image.manifest,
      imageDigest: seeded.image.digest,
      imageManifestMediaType: seeded.image.mediaType
    })

    emulator.resetLog()
    const rerun = await runDist(inputs, env)
    expect(rerun.exitCode).toBe(0)
    expect(emulator.counts()).toEqual({
      BatchGetImage: 1,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1
    })
    expect(rerun.outputs.changed).toBe('false')
  })

  test('moves a tag that points elsewhere', async () => {
    const first = await runDist(
      { repository: 'demo/app', 'source-tag': 'multiarch', tags: 'e2e-moving' },
      env
    )
    expect(first.exitCode).toBe(0)
    const moved = await runDist(
      { repository: 'demo/app', 'source-tag': 'staging', tags: 'e2e-moving' },
      env
    )
    expect(moved.exitCode).toBe(0)
    expect(moved.result?.tags).toEqual([
      { tag: 'e2e-moving', status: 'moved', previousDigest: seeded.index.digest }
    ])
    expect(tagOf('demo/app', 'e2e-moving')).toBe(seeded.image.digest)
  })

  test('an immutable repository: a rerun converges, and another digest is a conflict refused before any write', async () => {
    const rerun = await runDist(
      { repository: 'demo/app-immutable', 'source-tag': 'v1.0.0', tags: 'v1.0.0,e2e-immutable' },
      env
    )
    expect(rerun.exitCode).toBe(0)
    expect(emulator.counts()).toEqual({
      BatchGetImage: 1,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: 1
    })

    const repository = emulator.state.repository(ACCOUNT, REGION, 'demo/app-immutable')
    for (const child of seeded.index.children) pushImage(repository, child, emulator.state.settings)
    pushImage(repository, seeded.index, emulator.state.settings, ['v2.0.0'])
    emulator.resetLog()
    const conflict = await runDist(
      { repository: 'demo/app-immutable', 'source-tag': 'v2.0.0', tags: 'v1.0.0' },
      env
    )
    expect(conflict.exitCode).toBe(1)
    expect(conflict.stdout).toContain(
      `::error title=Tag conflict%3A v1.0.0::Tag "v1.0.0" points at ${seeded.image.digest}, not at ${seeded.index.digest}, and cannot move: the repository is IMMUTABLE.`
    )
    expect(conflict.result?.tags[0]).toMatchObject({ tag: 'v1.0.0', status: 'conflict' })
    expect(writes()).toBe(0)
    expect(tagOf('demo/app-immutable', 'v1.0.0')).toBe(seeded.image.digest)
  })

  test('protect-tags and dry-run write nothing', async () => {
    const protectedRun = await runDist(
      {
        repository: 'demo/app',
        'source-tag': 'multiarch',
        tags: 'build-1',
        'protect-tags': 'build-*'
      },
      env
    )
    expect(protectedRun.exitCode).toBe(1)
    expect(protectedRun.stdout).toContain(
      '::error title=Protected tag%3A build-1::Tag "build-1" is protected by pattern "build-*"'
    )
    expect(tagOf('demo/app', 'build-1')).toBe(seeded.image.digest)

    const dryRun = await runDist(
      {
        repository: 'demo/app',
        'source-tag': 'multiarch',
        tags: 'build-1,e2e-dry',
        'dry-run': 'true'
      },
      env
    )
    expect(dryRun.exitCode).toBe(0)
    expect(dryRun.result?.tags.map((tag) => tag.status)).toEqual(['would-move', 'would-create'])
    expect(tagOf('demo/app', 'e2e-dry')).toBeUndefined()
    expect(writes()).toBe(0)
  })

  test('bad inputs fail before any request reaches ECR', async () => {
    const cases: Array<Record<string, string>> = [
      { repository: 'Demo/App', 'source-tag': 'staging', tags: 'x' },
      { repository: 'demo/app', 'source-tag': 'staging', tags: 'bad tag' },
      { repository: 'demo/app', 'source-digest': 'sha256:1234', tags: 'x' },
      { repository: 'demo/app', 'source-tag': 'staging', tags: 'x', 'registry-id': '42' }
    ]
    for (const inputs of cases) {
      const run = await runDist(inputs, env)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(/^::error::Input "[a-z-]+": /m)
    }
    expect(emulator.log).toHaveLength(0)
  })

  test('rides out a throttling burst on every write', async () => {
    emulator.setFaults({
      rules: [
        { kind: 'throttling', count: 2, operations: ['PutImage'] },
        { kind: 'too-many-requests', count: 1, operations: ['BatchGetImage'] }
      ]
    })
    const run = await runDist(
      { repository: 'demo/app', 'source-tag': 'staging', tags: 'e2e-throttled-1,e2e-throttled-2' },
      env
    )
    expect(run.exitCode).toBe(0)
    expect(tagOf('demo/app', 'e2e-throttled-1')).toBe(seeded.image.digest)
    expect(tagOf('demo/app', 'e2e-throttled-2')).toBe(seeded.image.digest)
    expect(emulator.counts()).toEqual({
      BatchGetImage: 2,
      DescribeRepositories: 1,
      DescribeImages: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: 4
    })
  }, 60_000)

  test('an OCI index keeps its digest, and a chart without mediaType keeps its type', async () => {
    const index = await runDist(
      { repository: 'demo/app', 'source-tag': 'multiarch', tags: 'e2e-index' },
      env
    )
    expect(index.exitCode).toBe(0)
    expect(tagOf('demo/app', 'e2e-index')).toBe(seeded.index.digest)
    const chart = await runDist(
      { repository: 'charts/hello', 'source-tag': '0.1.0', tags: 'stable' },
      env
    )
    expect(chart.exitCode).toBe(0)
    expect(chart.outputs['media-type']).toBe('application/vnd.oci.image.manifest.v1+json')
    expect(tagOf('charts/hello', 'stable')).toBe(seeded.chart.digest)
  })
})

describe('the bundled action and ECR Public', () => {
  test('publishes a private image to public.ecr.aws, loading ECR Public support on demand', async () => {
    emulator.state.createPublicRegistry(ACCOUNT, 'demo')
    const target = emulator.state.createPublicRepository(ACCOUNT, 'e2e/public')
    const inputs = {
      repository: 'demo/app',
      'source-tag': 'staging',
      'target-repository': 'public.ecr.aws/demo/e2e/public',
      tags: 'v1'
    }
    const run = await runDist(inputs, env)
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(seeded.image.digest)
    expect(run.outputs.image).toBe(`public.ecr.aws/demo/e2e/public@${seeded.image.digest}`)

    emulator.resetLog()
    const retag = await runDist(
      { repository: 'public.ecr.aws/demo/e2e/public', 'source-tag': 'v1', tags: 'latest' },
      env
    )
    expect(retag.exitCode).toBe(0)
    expect(target.tags.get('latest')).toBe(seeded.image.digest)
    expect(emulator.counts()).toMatchObject({ 'registry:GetManifest': 1, 'ecr-public:PutImage': 1 })
  })
})
