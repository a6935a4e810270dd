// Promotion into another repository, account and region, against the local ECR: blobs copied
// through the layer API, children and referrers by digest, then the tags; and reruns that converge.
import { describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, buildIndex, buildReferrer, pushImage } from '../emulator/index.js'

const DEV = '111111111111'
const PROD = '222222222222'
const host = (account: string, region: string): string =>
  `${account}.dkr.ecr.${region}.amazonaws.com`
const fast = {
  registry: { retryDelay: () => 0 },
  copy: { progressIntervalMs: 0 }
}

const emulator = useEmulator({ defaultAccount: DEV, inProcess: true })

let counter = 0
/** A fresh source repository in DEV/us-east-1 holding `image` under `tag`, and an empty target. */
function repositories(
  targetAccount = PROD,
  targetRegion = 'eu-west-1',
  targetMutability: 'MUTABLE' | 'IMMUTABLE' = 'MUTABLE'
) {
  counter++
  const source = emulator.state.createRepository(DEV, 'us-east-1', `app${counter}`)
  const target = emulator.state.createRepository(
    targetAccount,
    targetRegion,
    `app${counter}-prod`,
    { tagMutability: targetMutability }
  )
  return {
    source,
    target,
    inputs: {
      repository: `${host(DEV, 'us-east-1')}/${source.name}`,
      'target-repository': `${host(targetAccount, targetRegion)}/${target.name}`
    }
  }
}

const platformImage = (architecture: string, layer = randomBytes(2048)) => ({
  ...buildImage({
    files: { [`bin/${architecture}`]: layer },
    platform: { os: 'linux', architecture }
  }),
  platform: { os: 'linux', architecture }
})

/** An index of `children` pushed into `source` under `tag`, its children by digest first. */
function pushIndex(
  source: Parameters<typeof pushImage>[0],
  children: Array<ReturnType<typeof platformImage>>,
  tag: string
) {
  for (const child of children) pushImage(source, child, emulator.state.settings)
  const index = buildIndex(children)
  pushImage(source, index, emulator.state.settings, [tag])
  return index
}

const calls = (operation: string): number =>
  emulator.log.filter((entry) => entry.operation === operation).length

describe('promotion into another account and region', () => {
  test('a copy the run stopped before is said to have copied nothing, not "Copied 0"', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(512) } })
    const other = buildImage({ files: { 'bin/other': randomBytes(512) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    pushImage(target, other, emulator.state.settings, ['prod'])
    const run = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'prod', 'protect-tags': 'prod' },
      {},
      fast
    )
    expect(run.result?.status).toBe('refused')
    expect(run.summary).toMatch(
      /Nothing copied: the run stopped before any of the 2 blob\(s\) \(\d+ B\) the target lacks reached it\./
    )
    expect(run.summary).not.toContain('Copied 0')
    // The target named with its registry: this is not a retag in place.
    expect(run.summary).toContain(`to <code>${host(PROD, 'eu-west-1')}/${target.name}</code>`)
    expect(calls('InitiateLayerUpload')).toBe(0)
  })

  test('copies a single-platform image, then a rerun copies and writes nothing', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(4096) } })
    pushImage(source, image, emulator.state.settings, ['staging'])

    const run = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'prod,v1' }, {}, fast)
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('prod')).toBe(image.digest)
    expect(target.tags.get('v1')).toBe(image.digest)
    for (const blob of image.blobs)
      expect(Buffer.concat(target.blobs.get(blob.digest)!.chunks).equals(blob.bytes)).toBe(true)
    expect(target.images.get(image.digest)!.manifest).toBe(image.manifest)
    const bytes = image.blobs.reduce((total, blob) => total + blob.bytes.length, 0)
    expect(run.outputs).toMatchObject({
      'blobs-copied': '2',
      'bytes-copied': String(bytes),
      changed: 'true'
    })
    expect(run.outputs.image).toBe(`${host(PROD, 'eu-west-1')}/${target.name}@${image.digest}`)
    expect(run.result?.source).toEqual({
      repository: source.name,
      registryId: DEV,
      region: 'us-east-1'
    })
    // `result` keeps v1's shape: the target's fields flat at the top, beside `source`.
    expect(run.result).toMatchObject({
      repository: target.name,
      registryId: PROD,
      region: 'eu-west-1'
    })
    expect(run.result).not.toHaveProperty('target')
    expect(run.summary).toContain(`Copied 2 blob(s) (`)
    // Every call named its registry: the source account for reads, the target account for writes.
    for (const entry of emulator.log.filter((e) => e.operation !== 'BlobDownload')) {
      const inTarget = [
        'PutImage',
        'InitiateLayerUpload',
        'UploadLayerPart',
        'CompleteLayerUpload',
        'BatchCheckLayerAvailability'
      ].includes(entry.operation)
      if (inTarget) expect([entry.registryId, entry.region]).toEqual([PROD, 'eu-west-1'])
    }

    emulator.resetLog()
    const rerun = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'prod,v1' }, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(rerun.outputs).toMatchObject({
      'blobs-copied': '0',
      'bytes-copied': '0',
      changed: 'false'
    })
    // The reads, one DescribeImages of the source for whether it is archived, and the target's
    // lifecycle policy (it has none).
    expect(emulator.counts()).toEqual({
      BatchGetImage: 2,
      DescribeImages: 1,
      DescribeRepositories: 1,
      GetLifecyclePolicy: 1,
      ListImageReferrers: 1
    })
  })

  test('copies a two-platform index: children by digest first, the index keeps its digest', async () => {
    const { source, target, inputs } = repositories(PROD, 'us-east-1')
    const children = [platformImage('amd64'), platformImage('arm64')]
    const index = pushIndex(source, children, '1.0')

    const run = await runAction({ ...inputs, 'source-tag': '1.0', tags: '1.0' }, {}, fast)
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('1.0')).toBe(index.digest)
    for (const child of children)
      expect(target.images.get(child.digest)?.manifest).toBe(child.manifest)
    const puts = emulator.log
      .filter((entry) => entry.operation === 'PutImage')
      .map((entry) => [entry.body?.imageDigest, entry.body?.imageTag])
    expect(
      puts
        .slice(0, 2)
        .map(([digest]) => digest)
        .sort()
    ).toEqual(children.map((child) => child.digest).sort())
    expect(puts.slice(0, 2).every(([, tag]) => tag === undefined)).toBe(true)
    expect(puts[2]).toEqual([index.digest, '1.0'])
    expect(run.outputs['blobs-copied']).toBe('4')
  })

  test('a child manifest whose answer was lost is read back and counted as written', async () => {
    const { source, target, inputs } = repositories(PROD, 'us-east-1')
    const children = [platformImage('amd64'), platformImage('arm64')]
    const index = pushIndex(source, children, '1.0')
    // The first child written by digest is stored, then its connection dropped: the retry hears
    // that it exists, and only its push time says this run wrote it.
    emulator.setFaults({ rules: [{ kind: 'drop-after', nth: 1, operations: ['PutImage'] }] })
    const run = await runAction({ ...inputs, 'source-tag': '1.0', tags: '1.0' }, {}, fast)
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('1.0')).toBe(index.digest)
    expect(emulator.counts().PutImage).toBe(4)
    expect(run.result?.copy).toMatchObject({ manifestsWritten: 2, manifestsToWrite: 2 })
    expect(run.stdout).not.toContain('already there')
  })

  test('copies only what the target lacks', async () => {
    const { source, target, inputs } = repositories()
    const shared = randomBytes(3000)
    const children = [platformImage('amd64', shared), platformImage('arm64')]
    const index = pushIndex(source, children, '2.0')
    // The target already has the amd64 image (and so its blobs).
    pushImage(target, children[0]!, emulator.state.settings)

    const run = await runAction({ ...inputs, 'source-tag': '2.0', tags: '2.0' }, {}, fast)
    expect(run.exitCode).toBe(0)
    expect(run.result?.copy).toMatchObject({ blobsCopied: 2, manifestsWritten: 1 })
    expect(calls('BlobDownload')).toBe(2)
    expect(
      emulator.log
        .filter((entry) => entry.operation === 'PutImage' && entry.body?.imageTag === undefined)
        .map((entry) => entry.body?.imageDigest)
    ).toEqual([children[1]!.digest])
    expect(target.tags.get('2.0')).toBe(index.digest)
  })

  test('lists referrers past one page: sixty attestations all reach the target', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(300) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    const referrers = Array.from({ length: 60 }, (_, i) =>
      buildReferrer(image, 'application/vnd.in-toto+json', `{"attestation":${i}}`)
    )
    for (const referrer of referrers) pushImage(source, referrer, emulator.state.settings)
    const run = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'prod' }, {}, fast)
    expect(run.exitCode).toBe(0)
    // ListImageReferrers answers 50 at most: a second page holds the rest.
    expect(calls('ListImageReferrers')).toBeGreaterThanOrEqual(2)
    expect(run.result?.copy?.referrers).toBe(60)
    for (const referrer of referrers) expect(target.images.has(referrer.digest)).toBe(true)
  })

  test('copies the referrers (signatures) before the tags, and not with copy-referrers: false', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(1000) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    const signature = buildReferrer(image, 'application/vnd.example.signature.v1+json', 'signed')
    const sbom = buildReferrer(image, 'application/spdx+json', '{"spdxVersion":"SPDX-2.3"}')
    const countersignature = buildReferrer(
      signature,
      'application/vnd.example.signature.v1+json',
      'countersigned'
    )
    for (const referrer of [signature, sbom, countersignature])
      pushImage(source, referrer, emulator.state.settings)

    const without = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'unsigned', 'copy-referrers': 'false' },
      {},
      fast
    )
    expect(without.exitCode).toBe(0)
    expect(calls('ListImageReferrers')).toBe(0)
    expect(target.images.has(signature.digest)).toBe(false)

    emulator.resetLog()
    const run = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'prod' }, {}, fast)
    expect(run.exitCode).toBe(0)
    for (const referrer of [signature, sbom, countersignature])
      expect(target.images.get(referrer.digest)?.manifest).toBe(referrer.manifest)
    expect(run.result?.copy?.referrers).toBe(3)
    const writes = emulator.log
      .filter((entry) => entry.operation === 'PutImage')
      .map((entry) => entry.body?.imageTag ?? entry.body?.imageDigest)
    // The image already existed in the target (tagged unsigned), so the referrers go first, then prod.
    expect(writes.at(-1)).toBe('prod')
    expect(writes.indexOf(countersignature.digest)).toBeGreaterThan(
      writes.indexOf(signature.digest)
    )
  })

  test('an immutable target: a tag at another digest is a conflict refused before anything is copied', async () => {
    const { source, target, inputs } = repositories(PROD, 'eu-west-1', 'IMMUTABLE')
    const image = buildImage({ files: { 'bin/app': randomBytes(1000) } })
    const older = buildImage({ files: { 'bin/app': randomBytes(1000) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    pushImage(target, older, emulator.state.settings, ['v1'])

    const run = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'v1,v2' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.tags.map((tag) => tag.status)).toEqual(['conflict', 'skipped'])
    expect(target.tags.get('v1')).toBe(older.digest)
    expect(target.tags.get('v2')).toBeUndefined()
    // Nothing at all was written into the target: no blob, no manifest, no tag.
    const writes = ['InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload', 'PutImage']
    expect(emulator.log.filter((entry) => writes.includes(entry.operation))).toEqual([])
  })

  test('dry-run reports what would be copied and writes nothing', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(5000) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    const run = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'prod', 'dry-run': 'true' },
      {},
      fast
    )
    expect(run.exitCode).toBe(0)
    const bytes = image.blobs.reduce((total, blob) => total + blob.bytes.length, 0)
    expect(run.result?.copy).toMatchObject({
      blobsToCopy: 2,
      bytesToCopy: bytes,
      blobsCopied: 0,
      manifestsToWrite: 0
    })
    expect(run.summary).toContain(`Would copy 2 blob(s)`)
    for (const operation of [
      'InitiateLayerUpload',
      'UploadLayerPart',
      'CompleteLayerUpload',
      'PutImage',
      'BlobDownload'
    ])
      expect(calls(operation)).toBe(0)
    expect(target.blobs.size + target.images.size).toBe(0)
  })

  test('protect-tags refuses before anything is copied', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(500) } })
    const older = buildImage({ files: { 'bin/app': randomBytes(500) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    pushImage(target, older, emulator.state.settings, ['v1'])
    const run = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'v1', 'protect-tags': 'v*' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(calls('InitiateLayerUpload') + calls('PutImage')).toBe(0)
    expect(target.images.has(image.digest)).toBe(false)
  })
})

describe('interrupted and corrupt copies', () => {
  test('a download dropped mid-blob resumes with a Range request, in parts of at least 5 MiB', async () => {
    const { source, target, inputs } = repositories()
    const big = randomBytes(12 * 1024 * 1024 + 123)
    const image = buildImage({ files: { 'bin/app': randomBytes(100) }, rawLayers: [big] })
    pushImage(source, image, emulator.state.settings, ['staging'])
    emulator.setFaults({ rules: [{ kind: 'drop', count: 1, operations: ['BlobDownload'] }] })
    emulator.setLatency(40)

    const run = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'prod' },
      {},
      { ...fast, copy: { ...fast.copy, progressIntervalMs: 15 } }
    )
    emulator.setLatency(0)
    // Progress at a steady interval, not per chunk: bytes and a percentage.
    const progress = run.stdout
      .split('\n')
      .filter((line) =>
        /^Copying [\d.]+ (B|KiB|MiB) of 12\.0 MiB \(\d+%\), \d of 3 blobs(, [\d.]+ (B|KiB|MiB)\/s)?$/.test(
          line
        )
      )
    expect(progress.length).toBeGreaterThan(1)
    // The last line says what was done, once the blobs are over.
    expect(run.stdout).toMatch(/^Copied 3 blobs \(12\.0 MiB\) in [\d.]+ s/m)
    expect(run.stdout).toMatch(
      /Download of blob sha256:\w+ from \S+ interrupted at byte \d+ .*resuming/
    )
    expect(run.exitCode).toBe(0)
    const stored = target.blobs.get(image.blobs[2]!.digest)!
    expect(Buffer.concat(stored.chunks).equals(big)).toBe(true)
    const parts = emulator.log.filter(
      (entry) => entry.operation === 'UploadLayerPart' && entry.body?.partFirstByte !== undefined
    )
    const bigParts = parts.filter(
      (entry) =>
        Number(entry.body!.partLastByte) >= 5 * 1024 * 1024 - 1 ||
        Number(entry.body!.partFirstByte) > 0
    )
    expect(bigParts.map((entry) => [entry.body!.partFirstByte, entry.body!.partLastByte])).toEqual([
      [0, 10 * 1024 * 1024 - 1],
      [10 * 1024 * 1024, big.length - 1]
    ])
    expect(calls('BlobDownload')).toBe(image.blobs.length + 1)
  })

  test('a download that stalls is dropped after the stall timeout and resumed', async () => {
    const { source, target, inputs } = repositories()
    const layer = randomBytes(300_000)
    const image = buildImage({ files: { 'bin/app': randomBytes(100) }, rawLayers: [layer] })
    pushImage(source, image, emulator.state.settings, ['staging'])
    let stalled = false
    // The first download of the big layer delivers some bytes, then nothing, as a hung connection does.
    const stallingFetch: typeof fetch = async (url, init) => {
      const response = await fetch(url, init)
      if (stalled || Number(response.headers.get('content-length')) < layer.length) return response
      stalled = true
      const reader = response.body!.getReader()
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          const { value } = await reader.read()
          controller.enqueue(value!)
          init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason))
        }
      })
      return new Response(body, { status: response.status, headers: response.headers })
    }
    const run = await runAction(
      { ...inputs, 'source-tag': 'staging', tags: 'prod' },
      {},
      { ...fast, registry: { ...fast.registry, fetch: stallingFetch, timeouts: { stallMs: 200 } } }
    )
    expect(stalled).toBe(true)
    expect(run.stdout).toMatch(
      /Download of blob sha256:\w+ from \S+ interrupted at byte [1-9]\d* \(no data for 0.2 s\); resuming/
    )
    expect(run.exitCode).toBe(0)
    expect(Buffer.concat(target.blobs.get(image.blobs[2]!.digest)!.chunks).equals(layer)).toBe(true)
  })

  test('a copy that fails part way is finished by a rerun, without copying what is there', async () => {
    const { source, target, inputs } = repositories()
    const children = [platformImage('amd64'), platformImage('arm64'), platformImage('s390x')]
    const index = pushIndex(source, children, '3.0')
    // One blob's completion keeps failing: the run stops there, the blobs in flight finish.
    const failing = children[2]!.blobs[1]!.digest
    emulator.onRequest((request) => {
      if (
        request.operation === 'CompleteLayerUpload' &&
        (request.body.layerDigests as string[])[0] === failing
      ) {
        return { status: 500, body: { __type: 'ServerException', message: 'down' } }
      }
    })
    const failed = await runAction({ ...inputs, 'source-tag': '3.0', tags: '3.0' }, {}, fast)
    emulator.onRequest(undefined)
    expect(failed.exitCode).toBe(1)
    expect(failed.result?.tags[0]).toMatchObject({ status: 'skipped' })
    expect(failed.stdout).toContain('::error title=Copy failed::')
    expect(target.tags.has('3.0')).toBe(false)
    const copiedBefore = target.blobs.size
    expect(copiedBefore).toBeGreaterThanOrEqual(3)
    expect(target.blobs.has(failing)).toBe(false)

    emulator.resetLog()
    const rerun = await runAction({ ...inputs, 'source-tag': '3.0', tags: '3.0' }, {}, fast)
    expect(rerun.exitCode).toBe(0)
    expect(calls('BlobDownload')).toBe(6 - copiedBefore)
    expect(target.tags.get('3.0')).toBe(index.digest)
  })

  test('a blob whose bytes do not match its digest is refused, and no tag is written', async () => {
    const { source, target, inputs } = repositories()
    const image = buildImage({ files: { 'bin/app': randomBytes(800) } })
    pushImage(source, image, emulator.state.settings, ['staging'])
    const layer = image.blobs[1]!
    source.blobs.get(layer.digest)!.chunks = [Buffer.from(randomBytes(layer.bytes.length))]

    const run = await runAction({ ...inputs, 'source-tag': 'staging', tags: 'prod' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      `Blob ${layer.digest} from ${host(DEV, 'us-east-1')}/${source.name} downloaded as ${layer.bytes.length} bytes hashing to sha256:`
    )
    expect(run.stdout).toContain('refusing to copy it')
    expect(target.blobs.has(layer.digest)).toBe(false)
    expect(target.tags.size).toBe(0)
    expect(
      emulator.log.filter(
        (entry) =>
          entry.operation === 'CompleteLayerUpload' &&
          (entry.body?.layerDigests as string[])[0] === layer.digest
      )
    ).toHaveLength(0)
  })
})
