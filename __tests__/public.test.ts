// Amazon ECR Public against the local ECR's public face: retag inside a public repository, publish
// private images (single-platform and index) to public.ecr.aws, reruns, and ECR Public's own errors.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runAction } from '../__fixtures__/run-action.js'
import type { ReleaseResultJson } from '../src/promotion/index.js'
import { PUBLIC_PARTITION, buildImage, buildIndex, pushImage } from '../emulator/index.js'

const ACCOUNT = '111111111111'
const OTHER = '333333333333'
const ALIAS = 'acme'
const PRIVATE_HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`
// In-process, the registry endpoint comes through the tuning; the bundled action reads it from
// ECR_PUBLIC_REGISTRY_URL (see the e2e test).
const fast = {
  registry: { retryDelay: () => 0, publicRegistryUrl: '' },
  copy: { progressIntervalMs: 0 }
}

const emulator = useEmulator({
  defaultAccount: ACCOUNT,
  accounts: { AKIDOTHER: OTHER },
  inProcess: true
})
beforeAll(() => {
  emulator.state.createPublicRegistry(ACCOUNT, ALIAS)
  emulator.state.createPublicRegistry(OTHER, 'someone-else')
  fast.registry.publicRegistryUrl = emulator.url
})

let counter = 0
const fresh = (prefix: string) => `${prefix}${++counter}`
const writes = () =>
  emulator.log.filter((entry) =>
    /PutImage|InitiateLayerUpload|UploadLayerPart|CompleteLayerUpload/.test(entry.operation)
  )
const platformImage = (architecture: string) => ({
  ...buildImage({
    files: { [`bin/${architecture}`]: randomBytes(2048) },
    platform: { os: 'linux', architecture }
  }),
  platform: { os: 'linux', architecture }
})

describe('on-failure: rollback in ECR Public', () => {
  test('a tag this run created is removed again (BatchDeleteImage), a moved one put back', async () => {
    const [a, b] = [fresh('ra'), fresh('rb')].map((name) =>
      emulator.state.createPublicRepository(ACCOUNT, name)
    )
    const v1 = buildImage({ files: { 'bin/a1': randomBytes(256) } })
    const v2 = buildImage({ files: { 'bin/a2': randomBytes(256) } })
    pushImage(a!, v1, emulator.state.settings, ['live'])
    pushImage(a!, v2, emulator.state.settings, ['rc'])
    pushImage(b!, buildImage({ files: { 'bin/b': randomBytes(256) } }), emulator.state.settings, [
      'rc'
    ])
    // b's writes are denied once a's have landed.
    emulator.onRequest(async ({ operation, body }) => {
      if (operation !== 'ecr-public:PutImage' || body.repositoryName !== b!.name) return undefined
      await new Promise((resolve) => setTimeout(resolve, 200))
      return { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
    })
    const run = await runAction(
      {
        sources: `public.ecr.aws/${ALIAS}/${a!.name}:rc\npublic.ecr.aws/${ALIAS}/${b!.name}:rc`,
        tags: 'live, v2',
        'on-failure': 'rollback'
      },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(a!.tags.get('live')).toBe(v1.digest)
    expect(a!.tags.has('v2')).toBe(false)
    expect(a!.tags.get('rc')).toBe(v2.digest)
    expect(
      emulator.log.some(
        (entry) => entry.operation === 'ecr-public:BatchDeleteImage' && entry.status === 200
      )
    ).toBe(true)
    const release = JSON.parse(run.outputs.result!) as ReleaseResultJson
    expect(release.images[0]!.tags.map((tag) => tag.status)).toEqual(['rolled-back', 'rolled-back'])
  })
})

describe('retag inside a public repository', () => {
  test('one manifest read, one PutImage per tag, pinned; a rerun writes nothing', async () => {
    const repository = emulator.state.createPublicRepository(ACCOUNT, fresh('tool'))
    const image = buildImage({ files: { 'bin/tool': randomBytes(1024) }, format: 'docker' })
    pushImage(repository, image, emulator.state.settings, ['1.2.3'])
    const inputs = {
      repository: `public.ecr.aws/${ALIAS}/${repository.name}`,
      'source-tag': '1.2.3',
      tags: `1.2, latest, public.ecr.aws/${ALIAS}/${repository.name}:1`
    }

    const run = await runAction(inputs, { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }, fast)
    expect(run.stdout).not.toContain('::error')
    expect(run.stdout).toContain('::debug::')
    expect(run.exitCode).toBe(0)
    for (const tag of ['1.2', 'latest', '1']) expect(repository.tags.get(tag)).toBe(image.digest)
    expect(emulator.counts()).toEqual({
      'ecr-public:GetAuthorizationToken': 1,
      'registry:GetToken': 1,
      'registry:GetManifest': 1,
      'ecr-public:DescribeImageTags': 1,
      'ecr-public:DescribeImages': 1,
      'ecr-public:DescribeRegistries': 1,
      'ecr-public:PutImage': 3
    })
    // The pull token was asked for with the credentials, not anonymously.
    expect(emulator.log.find((e) => e.operation === 'registry:GetToken')?.body).toMatchObject({
      authenticated: true,
      scope: `repository:${ALIAS}/${repository.name}:pull`
    })
    for (const put of emulator.log.filter((e) => e.operation === 'ecr-public:PutImage')) {
      expect(put.body).toMatchObject({
        registryId: ACCOUNT,
        repositoryName: repository.name,
        imageDigest: image.digest,
        imageManifest: image.manifest,
        imageManifestMediaType: image.mediaType
      })
    }
    const uri = `public.ecr.aws/${ALIAS}/${repository.name}`
    expect(run.outputs.image).toBe(`${uri}@${image.digest}`)
    expect(run.outputs.images).toBe([`${uri}:1.2`, `${uri}:latest`, `${uri}:1`].join('\n'))
    expect(run.result).toMatchObject({ publicAlias: ALIAS, registryId: ACCOUNT, changed: true })
    // GetAuthorizationToken's password is a credential: never in the log, even in debug.
    const passwords = [...emulator.state.store.publicPasswords]
    expect(passwords.length).toBeGreaterThan(0)
    for (const password of passwords) {
      const shown = run.stdout + run.summary + JSON.stringify(run.outputs)
      expect(shown).not.toContain(password)
      expect(shown).not.toContain(Buffer.from(`AWS:${password}`).toString('base64'))
    }

    emulator.resetLog()
    const rerun = await runAction(inputs, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.outputs.changed).toBe('false')
    expect(rerun.result?.tags.map((t) => t.status)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(writes()).toEqual([])
  })

  test('protect-tags and an immutable tag hold, naming both digests', async () => {
    const repository = emulator.state.createPublicRepository(ACCOUNT, fresh('tool'))
    const old = buildImage({ files: { a: randomBytes(64) } })
    const next = buildImage({ files: { b: randomBytes(64) } })
    pushImage(repository, old, emulator.state.settings, ['v1'])
    pushImage(repository, next, emulator.state.settings, ['rc'])
    const base = { repository: `public.ecr.aws/${ALIAS}/${repository.name}`, 'source-tag': 'rc' }

    const refused = await runAction({ ...base, tags: 'v1', 'protect-tags': 'v*' }, {}, fast)
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toContain(old.digest)
    expect(writes()).toEqual([])

    repository.tagMutability = 'IMMUTABLE'
    const conflict = await runAction({ ...base, tags: 'v1' }, {}, fast)
    expect(conflict.exitCode).toBe(1)
    expect(conflict.result?.tags[0]).toMatchObject({ tag: 'v1', status: 'conflict' })
    expect(conflict.stdout).toContain(old.digest)
    expect(conflict.stdout).toContain(next.digest)
    expect(repository.tags.get('v1')).toBe(old.digest)
  })
})

test('an answer that contradicts the plan is checked with DescribeImageTags, not the registry', async () => {
  const repository = emulator.state.createPublicRepository(ACCOUNT, fresh('tool'))
  const image = buildImage({ files: { c: randomBytes(64) } })
  pushImage(repository, image, emulator.state.settings, ['rc'])
  // PutImage claims the tag exists elsewhere, and writes nothing.
  emulator.onRequest(({ operation }) =>
    operation === 'ecr-public:PutImage'
      ? {
          status: 400,
          body: { __type: 'ImageTagAlreadyExistsException', message: 'The image tag exists' }
        }
      : undefined
  )
  const run = await runAction(
    { repository: `public.ecr.aws/${ALIAS}/${repository.name}`, 'source-tag': 'rc', tags: 'v1' },
    {},
    fast
  )
  expect(run.exitCode).toBe(1)
  expect(run.result?.tags[0]).toMatchObject({ tag: 'v1', status: 'failed' })
  expect(run.result?.tags[0]?.message).toContain('the tag now points at nothing')
  expect(emulator.counts()).toMatchObject({
    'ecr-public:DescribeImageTags': 2,
    'registry:GetManifest': 1
  })
})

describe('publish a private image to ECR Public', () => {
  function privateSource(image: ReturnType<typeof buildImage>, tag: string) {
    const source = emulator.state.createRepository(ACCOUNT, 'eu-west-1', fresh('app'))
    pushImage(source, image, emulator.state.settings, [tag])
    const target = emulator.state.createPublicRepository(ACCOUNT, fresh('app'))
    return {
      target,
      inputs: {
        repository: `${PRIVATE_HOST}/${source.name}`,
        'source-tag': tag,
        'target-repository': `public.ecr.aws/${ALIAS}/${target.name}`
      }
    }
  }

  test('a single-platform image: blobs through the public layer API, then the tags', async () => {
    const image = buildImage({ files: { 'bin/app': randomBytes(8192) } })
    const { target, inputs } = privateSource(image, 'release')

    const dry = await runAction({ ...inputs, tags: 'v1', 'dry-run': 'true' }, {}, fast)
    expect(dry.exitCode).toBe(0)
    expect(dry.result?.tags[0]?.status).toBe('would-create')
    expect(dry.result?.copy).toMatchObject({ blobsToCopy: 2, manifestsToWrite: 0 })
    expect(writes()).toEqual([])

    emulator.resetLog()
    const run = await runAction({ ...inputs, tags: 'v1,latest' }, {}, fast)
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(image.digest)
    expect(target.tags.get('latest')).toBe(image.digest)
    for (const blob of image.blobs)
      expect(Buffer.concat(target.blobs.get(blob.digest)!.chunks).equals(blob.bytes)).toBe(true)
    // Reads from the private source, the public target's state from its API (no registry, no
    // token: which manifests it has, and how many tags the image carries), then the copy and the
    // tags; nothing private is written. The private source is asked whether it is archived.
    expect(emulator.counts()).toEqual({
      BatchGetImage: 1,
      DescribeImages: 1,
      ListImageReferrers: 1,
      'ecr-public:DescribeImageTags': 1,
      'ecr-public:DescribeRegistries': 1,
      'ecr-public:DescribeImages': 2,
      'ecr-public:BatchCheckLayerAvailability': 1,
      GetDownloadUrlForLayer: 2,
      BlobDownload: 2,
      'ecr-public:InitiateLayerUpload': 2,
      'ecr-public:UploadLayerPart': 2,
      'ecr-public:CompleteLayerUpload': 2,
      'ecr-public:PutImage': 2
    })
    expect(run.outputs['blobs-copied']).toBe('2')
    expect(run.outputs.image).toBe(`public.ecr.aws/${ALIAS}/${target.name}@${image.digest}`)

    emulator.resetLog()
    const rerun = await runAction({ ...inputs, tags: 'v1,latest' }, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.outputs).toMatchObject({ changed: 'false', 'blobs-copied': '0' })
    expect(writes()).toEqual([])
  })

  test('a two-platform index: children by digest first, the index keeps its digest', async () => {
    const children = [platformImage('amd64'), platformImage('arm64')]
    const index = buildIndex(children)
    const source = emulator.state.createRepository(ACCOUNT, 'eu-west-1', fresh('multi'))
    for (const child of children) pushImage(source, child, emulator.state.settings)
    pushImage(source, index, emulator.state.settings, ['2.0'])
    const target = emulator.state.createPublicRepository(ACCOUNT, fresh('multi'))

    const run = await runAction(
      {
        repository: `${PRIVATE_HOST}/${source.name}`,
        'source-tag': '2.0',
        'target-repository': `public.ecr.aws/${ALIAS}/${target.name}`,
        tags: '2.0',
        'expected-digest': index.digest
      },
      {},
      fast
    )
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('2.0')).toBe(index.digest)
    expect(target.images.get(index.digest)!.manifest).toBe(index.manifest)
    const puts = emulator.log
      .filter((e) => e.operation === 'ecr-public:PutImage')
      .map((e) => [e.body?.imageDigest, e.body?.imageTag])
    expect(
      puts
        .slice(0, 2)
        .map(([digest]) => digest)
        .sort()
    ).toEqual(children.map((child) => child.digest).sort())
    expect(puts.slice(0, 2).every(([, tag]) => tag === undefined)).toBe(true)
    expect(puts[2]).toEqual([index.digest, '2.0'])
    expect(run.result?.copy).toMatchObject({ blobsCopied: 4, manifestsWritten: 2 })
    // The target asked once per manifest (the index and its two children) which it has, and
    // once how many tags the index carries there.
    expect(emulator.counts()['ecr-public:DescribeImages']).toBe(4)
    expect(emulator.log.filter((e) => e.operation.startsWith('registry:'))).toEqual([])
  })
})

describe('from ECR Public into a private repository', () => {
  /** A public image under `stable`, and a run that mirrors it into a fresh private repository. */
  function mirror(tamper?: (stored: { manifest: string }) => void) {
    const source = emulator.state.createPublicRepository(ACCOUNT, fresh('base'))
    const image = buildImage({ files: { 'bin/base': randomBytes(4096) } })
    pushImage(source, image, emulator.state.settings, ['stable'])
    tamper?.(source.images.get(image.digest)!)
    const target = emulator.state.createRepository(ACCOUNT, 'eu-west-1', fresh('mirror'))
    const run = runAction(
      {
        repository: `public.ecr.aws/${ALIAS}/${source.name}`,
        'source-tag': 'stable',
        'target-repository': `${PRIVATE_HOST}/${target.name}`,
        tags: 'stable'
      },
      {},
      fast
    )
    return { source, image, target, run }
  }

  test('reads manifests and blobs from the registry endpoint, each verified', async () => {
    const { source, image, target, run: running } = mirror()
    const run = await running
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('stable')).toBe(image.digest)
    expect(emulator.counts()).toMatchObject({ 'registry:GetBlob': 2, BlobDownload: 2, PutImage: 1 })
    expect(run.stdout).toContain('referrers not copied; ECR Public has no API that lists referrers')
    expect(run.summary).toContain(`from <code>public.ecr.aws/${ALIAS}/${source.name}</code>`)
  })

  test('a two-platform index: children read by digest from the registry, then written first', async () => {
    const source = emulator.state.createPublicRepository(ACCOUNT, fresh('multi'))
    const children = [platformImage('amd64'), platformImage('arm64')]
    for (const child of children) pushImage(source, child, emulator.state.settings)
    const index = buildIndex(children)
    pushImage(source, index, emulator.state.settings, ['3.0'])
    const target = emulator.state.createRepository(ACCOUNT, 'eu-west-1', fresh('mirror'))

    const run = await runAction(
      {
        repository: `public.ecr.aws/${ALIAS}/${source.name}`,
        'source-tag': '3.0',
        'target-repository': `${PRIVATE_HOST}/${target.name}`,
        tags: '3.0'
      },
      {},
      fast
    )
    expect(run.stdout).not.toContain('::error')
    expect(target.tags.get('3.0')).toBe(index.digest)
    for (const child of children) expect(target.images.has(child.digest)).toBe(true)
    // The index by tag, then each child by digest.
    expect(emulator.counts()).toMatchObject({ 'registry:GetManifest': 3, PutImage: 3 })
  })

  test('a tampered manifest in the registry is refused before any write', async () => {
    const run = await mirror((stored) => (stored.manifest = `${stored.manifest}\n`)).run
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('hashes to')
    expect(writes()).toEqual([])
  })
})

describe("ECR Public's own errors", () => {
  const retag = () => {
    const repository = emulator.state.createPublicRepository(ACCOUNT, fresh('err'))
    pushImage(repository, buildImage({ files: { e: randomBytes(32) } }), emulator.state.settings, [
      'a'
    ])
    return { repository: `public.ecr.aws/${ALIAS}/${repository.name}`, 'source-tag': 'a' }
  }

  test('an alias that is not the caller’s: refused before any write', async () => {
    const run = await runAction(
      { ...retag(), 'target-repository': `public.ecr.aws/someone-else/app`, tags: 'b' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      'public.ecr.aws/someone-else is not a public registry of this AWS account (its aliases: acme)'
    )
    expect(writes()).toEqual([])
  })

  test('RegistryNotFoundException says the account has no public registry', async () => {
    emulator.onRequest(({ operation }) =>
      operation === 'ecr-public:DescribeImageTags'
        ? {
            status: 400,
            body: { __type: 'RegistryNotFoundException', message: 'The registry does not exist' }
          }
        : undefined
    )
    const run = await runAction({ ...retag(), tags: 'b' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('ECR Public has no such registry')
    expect(writes()).toEqual([])
  })

  test('UnsupportedCommandException says ECR Public lives in us-east-1', async () => {
    emulator.onRequest(({ operation }) =>
      operation === 'ecr-public:PutImage'
        ? {
            status: 400,
            body: {
              __type: 'UnsupportedCommandException',
              message: 'The action is not supported in this Region.'
            }
          }
        : undefined
    )
    const run = await runAction({ ...retag(), tags: 'b' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('its API exists only in us-east-1')
  })

  test('a missing public repository names itself', async () => {
    const run = await runAction(
      { repository: `public.ecr.aws/${ALIAS}/nothing-here`, 'source-tag': 'a', tags: 'b' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`public.ecr.aws/${ALIAS}/nothing-here`)
    expect(writes()).toEqual([])
  })

  test('an expired pull token is renewed once', async () => {
    const source = emulator.state.createPublicRepository(ACCOUNT, fresh('tok'))
    const image = buildImage({ files: { t: randomBytes(128) } })
    pushImage(source, image, emulator.state.settings, ['a'])
    const target = emulator.state.createRepository(ACCOUNT, 'eu-west-1', fresh('tok'))
    let expired = false
    emulator.onRequest(({ operation }) => {
      // Expire the token after the manifests were read with it, before any blob is.
      if (operation === 'BatchCheckLayerAvailability' && !expired) {
        expired = true
        emulator.expireRegistryTokens()
      }
      return undefined
    })
    const run = await runAction(
      {
        repository: `public.ecr.aws/${ALIAS}/${source.name}`,
        'source-tag': 'a',
        'target-repository': `${PRIVATE_HOST}/${target.name}`,
        tags: 'a'
      },
      {},
      fast
    )
    expect(run.stdout).not.toContain('::error')
    expect(target.tags.get('a')).toBe(image.digest)
    expect(emulator.counts()['registry:GetToken']).toBeGreaterThan(1)
  })
})

test('the emulator keeps public repositories apart from private ones', () => {
  const name = fresh('same')
  emulator.state.createPublicRepository(ACCOUNT, name)
  expect(emulator.state.repository(ACCOUNT, PUBLIC_PARTITION, name).name).toBe(name)
  expect(() => emulator.state.repository(ACCOUNT, 'us-east-1', name)).toThrow()
})
