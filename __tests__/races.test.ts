// Races with other writers: a source tag moved between the read and the writes, and two promotions
// of different images to one tag at once.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { buildImage, pushImage } from '../emulator/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const emulator = useEmulator()
let env: NodeJS.ProcessEnv

beforeAll(() => {
  env = emulator.env
})

const image = () => buildImage({ files: { 'bin/app': randomBytes(256) } })

describe('races', () => {
  test('the source tag moves between the read and the writes: the tags still end at the digest that was read', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'race/source-moves')
    const read = image()
    const newer = image()
    pushImage(repository, read, emulator.state.settings, ['staging'])
    emulator.onRequest((request) => {
      // Another pipeline pushes a newer build to staging just as the writes begin.
      if (request.operation === 'PutImage' && repository.tags.get('staging') === read.digest) {
        pushImage(repository, newer, emulator.state.settings, ['staging'])
      }
    })
    const run = await runDist(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod,v1,v1.0' },
      env
    )
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(0)
    expect(repository.tags.get('staging')).toBe(newer.digest)
    for (const tag of ['prod', 'v1', 'v1.0']) expect(repository.tags.get(tag)).toBe(read.digest)
    expect(run.outputs.digest).toBe(read.digest)
  })

  /**
   * Two runs at once: both read, then the run promoting `first` writes only after the other run's
   * write is answered.
   */
  async function raceTo(repository: string, first: string, second: string) {
    let secondWritten: () => void = () => {}
    const secondDone = new Promise<void>((resolve) => (secondWritten = resolve))
    // Both runs read before either writes, however the two processes happen to start.
    let reads = 0
    let bothReading: () => void = () => {}
    const readsArrived = new Promise<void>((resolve) => (bothReading = resolve))
    emulator.onRequest(async (request) => {
      if (request.operation === 'BatchGetImage' && ++reads === 2) bothReading()
      if (request.operation === 'BatchGetImage') await readsArrived
      if (request.operation === 'PutImage' && request.body.imageDigest === first) await secondDone
    })
    emulator.onResponse((entry) => {
      if (entry.operation === 'PutImage' && entry.body?.imageDigest === second) secondWritten()
    })
    const [early, late] = await Promise.all([
      runDist({ repository, 'source-digest': second, tags: 'release' }, env),
      runDist({ repository, 'source-digest': first, tags: 'release' }, env)
    ])
    emulator.onRequest(undefined)
    emulator.onResponse(undefined)
    return { early, late }
  }

  test('two promotions to one immutable tag: the loser reports the conflict and the winning digest', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'race/immutable', {
      tagMutability: 'IMMUTABLE'
    })
    const [a, b] = [image(), image()]
    pushImage(repository, a, emulator.state.settings, ['build-a'])
    pushImage(repository, b, emulator.state.settings, ['build-b'])
    const { early, late } = await raceTo(repository.name, a.digest, b.digest)
    expect(early.exitCode).toBe(0)
    expect(early.result?.tags[0]?.status).toBe('created')
    expect(late.exitCode).toBe(1)
    expect(late.result?.tags[0]).toMatchObject({ tag: 'release', status: 'conflict' })
    expect(late.stdout).toContain(
      `::error title=Tag conflict%3A release::Tag "release" is immutable in "race/immutable" and points at ${b.digest}, not at ${a.digest}`
    )
    expect(repository.tags.get('release')).toBe(b.digest)
  })

  test('two promotions to one mutable tag: both writes succeed and the last one wins, as in ECR', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'race/mutable')
    const [a, b] = [image(), image()]
    pushImage(repository, a, emulator.state.settings, ['build-a'])
    pushImage(repository, b, emulator.state.settings, ['build-b'])
    const { early, late } = await raceTo(repository.name, a.digest, b.digest)
    expect([early.exitCode, late.exitCode]).toEqual([0, 0])
    // Both read "release" as absent; the later write moved it from b to a.
    expect(early.result?.tags[0]).toMatchObject({ status: 'created', previousDigest: null })
    expect(late.result?.tags[0]).toMatchObject({ status: 'created', previousDigest: null })
    expect(repository.tags.get('release')).toBe(a.digest)
  })
})
