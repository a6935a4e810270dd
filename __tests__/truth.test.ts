// Reports that say what happened, in the edge cases where a report is most tempted to guess: an
// answer lost after ECR applied a write, one repository named two ways, ECR's tag limit across
// entries, a source that does not resolve, a copy cut short. Each runs the action or the command
// line as a user does, against the local ECR, with its state as the witness.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { runDist } from '../__fixtures__/actions.js'
import { buildImage, pushImage } from '../emulator/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const emulator = useEmulator({ inProcess: true })
let counter = 0

/** A fresh repository holding one small image under `staging`. */
function seeded(name: string, tags = ['staging']) {
  counter++
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `${name}${counter}`)
  const image = buildImage({ files: { bin: randomBytes(64) } })
  pushImage(repository, image, emulator.state.settings, tags)
  return { repository, image }
}

const fast = { registry: { retryDelay: () => 0, maxAttempts: 3 } }

describe('a write whose answer was lost', () => {
  test('is read back: a tag ECR applied is reported created, and the run succeeds', async () => {
    const { repository, image } = seeded('lost/app')
    // Every PutImage is applied, then its connection dropped: no attempt hears that it worked.
    emulator.setFaults({ rules: [{ kind: 'drop-after', rate: 1, operations: ['PutImage'] }] })
    const run = await runAction(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod', region: REGION },
      {},
      fast
    )
    expect(repository.tags.get('prod')).toBe(image.digest)
    expect(run.result?.tags).toEqual([{ tag: 'prod', status: 'created', previousDigest: null }])
    expect(run.result?.status).toBe('promoted')
    expect(run.outputs.changed).toBe('true')
    expect(run.outputs.images).toBe(`${HOST}/${repository.name}:prod`)
    expect(run.exitCode).toBe(0)
    expect(emulator.counts().PutImage).toBe(3)
  })

  test('a lost write that did not land is failed with the reason ECR gave, after a read', async () => {
    const { repository } = seeded('lost/app')
    emulator.setFaults({ rules: [{ kind: 'drop', rate: 1, operations: ['PutImage'] }] })
    const run = await runAction(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod', region: REGION },
      {},
      fast
    )
    expect(repository.tags.get('prod')).toBeUndefined()
    expect(run.result?.tags[0]).toMatchObject({ tag: 'prod', status: 'failed' })
    expect(run.result?.tags[0]?.message).toContain('PutImage for tag "prod"')
    expect(run.exitCode).toBe(1)
  })
})

describe('a copy cut short', () => {
  /** A source with an image of seven blobs, and an empty target beside it. */
  function copySetup() {
    const { repository: source, image } = seeded('cut/app')
    const target = emulator.state.createRepository(ACCOUNT, REGION, `${source.name}-prod`)
    const big = buildImage({
      files: { bin: randomBytes(64) },
      rawLayers: [1, 2, 3, 4, 5].map(() => randomBytes(2048))
    })
    pushImage(source, big, emulator.state.settings, ['big'])
    return { source, target, image: big, small: image }
  }

  test('by a failure: the blobs that reached the target are counted', async () => {
    const { source, target } = copySetup()
    let completions = 0
    emulator.onRequest((request) => {
      if (request.operation !== 'CompleteLayerUpload' || ++completions !== 4) return undefined
      return {
        status: 400,
        body: {
          __type: 'AccessDeniedException',
          message: 'not authorized to perform: ecr:CompleteLayerUpload'
        }
      }
    })
    const run = await runAction(
      {
        repository: source.name,
        'source-tag': 'big',
        'target-repository': target.name,
        tags: 'prod',
        region: REGION
      },
      {},
      { ...fast, copy: { progressIntervalMs: 0 } }
    )
    expect(run.exitCode).toBe(1)
    expect(target.blobs.size).toBeGreaterThan(0)
    expect(run.outputs['blobs-copied']).toBe(String(target.blobs.size))
    const bytes = [...target.blobs.values()].reduce((total, blob) => total + blob.size, 0)
    expect(run.outputs['bytes-copied']).toBe(String(bytes))
    expect(run.result?.copy?.blobsCopied).toBe(target.blobs.size)
    expect(run.outputs.changed).toBe('true')
  })

  test('by SIGINT: the bundled action counts what it copied before it stopped', async () => {
    const { source, target } = copySetup()
    let completions = 0
    const run = await runDist(
      {
        repository: source.name,
        'source-tag': 'big',
        'target-repository': target.name,
        tags: 'prod'
      },
      emulator.env,
      (child) =>
        emulator.onResponse((entry) => {
          if (entry.operation === 'CompleteLayerUpload' && ++completions === 2) child.kill('SIGINT')
        })
    )
    expect(run.result?.status).toBe('cancelled')
    expect(target.blobs.size).toBeGreaterThanOrEqual(2)
    expect(run.outputs['blobs-copied']).toBe(String(target.blobs.size))
    expect(run.outputs.changed).toBe('true')
    expect(target.tags.get('prod')).toBeUndefined()
  })
})
