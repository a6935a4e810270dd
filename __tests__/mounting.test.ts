// Zero-byte copies: a promotion into another repository of the same registry mounts the blobs the
// target lacks (ECR's BLOB_MOUNTING setting on), and copies any blob the registry declines.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { readRecord } from '../__fixtures__/record.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, buildIndex, buildReferrer, pushImage } from '../emulator/index.js'

const DEV = '111111111111'
const PROD = '222222222222'
const REGION = 'us-east-1'

const emulator = useEmulator({ defaultAccount: DEV, inProcess: true })

let counter = 0
/** An index of two platforms with a signature, in `dev/appN`, and an empty `release/appN`. */
function repositories(targetAccount = DEV) {
  counter++
  const source = emulator.state.createRepository(DEV, REGION, `dev/app${counter}`)
  const target = emulator.state.createRepository(targetAccount, REGION, `release/app${counter}`)
  const children = ['amd64', 'arm64'].map((architecture) => ({
    ...buildImage({
      files: { [`bin/${architecture}`]: randomBytes(64 * 1024) },
      platform: { os: 'linux', architecture }
    }),
    platform: { os: 'linux', architecture }
  }))
  for (const child of children) pushImage(source, child, emulator.state.settings)
  const index = buildIndex(children)
  pushImage(source, index, emulator.state.settings, ['rc'])
  const signature = buildReferrer(index, 'application/vnd.example.signature.v1+json', 'signed')
  pushImage(source, signature, emulator.state.settings)
  const blobs = [...source.blobs.keys()]
  return { source, target, index, signature, blobs }
}

/** The bundled action promoting `rc` of `source` to `v1` in `target`, both by name. */
const promote = (source: string, target: string) =>
  runDist(
    {
      repository: source,
      'source-tag': 'rc',
      'target-repository': target,
      tags: 'v1',
      region: REGION
    },
    emulator.env
  )

/** The promotion landed, every blob copied through the layer API and none mounted. */
function copiedAsBefore(
  run: Awaited<ReturnType<typeof promote>>,
  target: { tags: Map<string, string> },
  digest: string,
  blobs: string[]
): void {
  expect(run.exitCode).toBe(0)
  expect(target.tags.get('v1')).toBe(digest)
  expect(run.outputs).toMatchObject({ 'blobs-copied': String(blobs.length), 'blobs-mounted': '0' })
}

const calls = (operation: string) =>
  emulator.log.filter((entry) => entry.operation === operation).length

describe('blob mounting within one registry', () => {
  test('with BLOB_MOUNTING on, every blob is mounted and no byte moves; the target is the same image', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'ENABLED')
    const { source, target, index, signature, blobs } = repositories()
    const run = await promote(source.name, target.name)
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(index.digest)
    expect(target.images.has(signature.digest)).toBe(true)
    expect([...target.blobs.keys()].sort()).toEqual([...blobs].sort())
    const bytes = blobs.reduce((total, digest) => total + source.blobs.get(digest)!.size, 0)
    expect(run.outputs).toMatchObject({
      'blobs-copied': '0',
      'bytes-copied': '0',
      'blobs-mounted': String(blobs.length),
      'bytes-mounted': String(bytes)
    })
    // One setting read and one token for the registry; no layer transfer at all.
    expect(calls('GetAccountSetting')).toBe(1)
    expect(calls('GetAuthorizationToken')).toBe(1)
    expect(calls('registry:MountBlob')).toBe(blobs.length)
    for (const operation of ['GetDownloadUrlForLayer', 'InitiateLayerUpload', 'UploadLayerPart'])
      expect(calls(operation)).toBe(0)
    // The record says how the blobs reached the target.
    const record = readRecord(run.outputs.record)
    expect(record.images[0]!.copy).toMatchObject({
      blobsCopied: 0,
      bytesCopied: 0,
      blobsMounted: blobs.length,
      bytesMounted: bytes
    })
    expect(run.summary).toMatch(
      /Mounted \d+ blob\(s\) \([\d.]+ KiB\) from the source, moving no bytes/
    )
  })

  test('with BLOB_MOUNTING off, nothing is asked of the registry API and the copy is as before', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'DISABLED')
    const { source, target, index, blobs } = repositories()
    const run = await promote(source.name, target.name)
    copiedAsBefore(run, target, index.digest, blobs)
    // The setting, read once beside the registry's token, says not to try.
    expect(calls('GetAccountSetting')).toBe(1)
    expect(calls('registry:MountBlob')).toBe(0)
  })

  test('where the setting cannot be read, the first answers say: a few tries, then copies', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'DISABLED')
    const { source, target, blobs } = repositories()
    const host = `${DEV}.dkr.ecr.${REGION}.amazonaws.com`
    emulator.onRequest((request) =>
      request.operation === 'GetAccountSetting'
        ? { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
        : undefined
    )
    const run = await runDist(
      {
        repository: `${host}/${source.name}`,
        'source-tag': 'rc',
        'target-repository': `${host}/${target.name}`,
        tags: 'v1'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(0)
    // The tries already under way when the first answer came are the most that are wasted.
    expect(calls('registry:MountBlob')).toBeGreaterThanOrEqual(1)
    expect(calls('registry:MountBlob')).toBeLessThanOrEqual(4)
    expect(run.outputs['blobs-copied']).toBe(String(blobs.length))
  })

  test('a mount that fails for one blob falls back to copying that blob alone', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'ENABLED')
    const { source, target, index, blobs } = repositories()
    emulator.setFaults({
      rules: [{ kind: 'server-error', nth: 1, operations: ['registry:MountBlob'] }]
    })
    const run = await runAction(
      {
        repository: source.name,
        'source-tag': 'rc',
        'target-repository': target.name,
        tags: 'v1',
        region: REGION
      },
      {},
      // One attempt per call: the first mount's server error is its last answer.
      { registry: { retryDelay: () => 0, maxAttempts: 1 }, copy: { progressIntervalMs: 0 } }
    )
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(index.digest)
    expect(run.outputs).toMatchObject({
      'blobs-copied': '1',
      'blobs-mounted': String(blobs.length - 1)
    })
    expect(calls('InitiateLayerUpload')).toBe(1)
  })

  test('repositories encrypted differently: the registry declines, and each blob is copied', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'ENABLED')
    const { source, index, blobs } = repositories()
    const target = emulator.state.createRepository(DEV, REGION, `release/kms${counter}`, {
      encryption: { encryptionType: 'KMS', kmsKey: `arn:aws:kms:${REGION}:${DEV}:key/release` }
    })
    const run = await promote(source.name, target.name)
    copiedAsBefore(run, target, index.digest, blobs)
    expect(calls('registry:MountBlob')).toBe(blobs.length)
  })

  test('across accounts nothing is mounted: the registry API is never asked', async () => {
    emulator.state.setAccountSetting(DEV, REGION, 'BLOB_MOUNTING', 'ENABLED')
    emulator.state.setAccountSetting(PROD, REGION, 'BLOB_MOUNTING', 'ENABLED')
    const { source, target, index, blobs } = repositories(PROD)
    const run = await runDist(
      {
        repository: `${DEV}.dkr.ecr.${REGION}.amazonaws.com/${source.name}`,
        'source-tag': 'rc',
        'target-repository': `${PROD}.dkr.ecr.${REGION}.amazonaws.com/${target.name}`,
        tags: 'v1'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(index.digest)
    expect(run.outputs['blobs-copied']).toBe(String(blobs.length))
    expect(calls('registry:MountBlob')).toBe(0)
  })
})
