// on-failure: rollback, through the bundled action and the command line against the local ECR: a
// release whose writes fail part way puts back every tag it wrote, and leaves alone a tag someone
// else moved since.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { readRecord } from '../__fixtures__/record.js'
import { buildImage, pushImage } from '../emulator/index.js'
import type { Repository } from '../emulator/store.js'
import type { ReleaseResultJson } from '../src/promotion/index.js'
import { runCommand } from './cli/run.js'

const DEV = '111111111111'
const REGION = 'us-east-1'

const emulator = useEmulator({ defaultAccount: DEV })

let counter = 0
/** Two services, each with v1 live under `live` and v2 under `rc`. */
function release() {
  counter++
  const services = ['api', 'web'].map((name) => {
    const repository = emulator.state.createRepository(DEV, REGION, `rb${counter}/${name}`)
    const v1 = buildImage({ files: { [`bin/${name}`]: randomBytes(256) } })
    const v2 = buildImage({ files: { [`bin/${name}`]: randomBytes(256) } })
    pushImage(repository, v1, emulator.state.settings, ['live'])
    pushImage(repository, v2, emulator.state.settings, ['rc'])
    return { repository, v1, v2 }
  })
  return { api: services[0]!, web: services[1]! }
}

/** A release's image reports, from its `result` output. */
const imagesOf = (run: { outputs: Record<string, string> }): ReleaseResultJson['images'] =>
  (JSON.parse(run.outputs.result!) as ReleaseResultJson).images

/** web's PutImage is denied, after api's writes have landed. */
function denyWrites(web: Repository, before: () => void = () => {}) {
  emulator.onRequest(async (request) => {
    if (request.operation !== 'PutImage' || request.body.repositoryName !== web.name) return
    await new Promise((resolve) => setTimeout(resolve, 300))
    before()
    return { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
  })
}

/** The bundled action promoting both services' `rc` to live and next, rolling back on failure. */
const releaseWithRollback = (api: Repository, web: Repository) =>
  runDist(
    {
      sources: `${api.name}:rc\n${web.name}:rc`,
      tags: 'live, next',
      region: REGION,
      'on-failure': 'rollback'
    },
    emulator.env
  )

describe('on-failure: rollback', () => {
  test('a release whose writes fail part way puts every tag it wrote back where it was', async () => {
    const { api, web } = release()
    denyWrites(web.repository)
    const run = await releaseWithRollback(api.repository, web.repository)
    expect(run.exitCode).toBe(1)
    // api is back as it was: live at v1, no next.
    expect(api.repository.tags.get('live')).toBe(api.v1.digest)
    expect(api.repository.tags.has('next')).toBe(false)
    expect(web.repository.tags.get('live')).toBe(web.v1.digest)
    const apiReport = imagesOf(run).find((image) => image.name.includes('/api'))
    expect(apiReport?.tags).toEqual([
      expect.objectContaining({
        tag: 'live',
        status: 'rolled-back',
        previousDigest: api.v1.digest
      }),
      expect.objectContaining({ tag: 'next', status: 'rolled-back', previousDigest: null })
    ])
    expect(run.stdout).toContain('::group::Roll back: the tags this run wrote')
    expect(run.summary).toContain('Failed and rolled back: 0 of 2 images left fully promoted')
    expect(run.summary).toContain('↩️ <code>live</code> ↩️ <code>next</code>')
    // What failed is annotated; the tags put back are not problems.
    expect(run.stdout).toMatch(/::error title=Tag not promoted%3A live/)
    expect(run.stdout).not.toMatch(/::error title=[^:]*%3A next::.*Rolled back/)
    expect(run.summary).toContain('Every tag this run wrote was put back where it was')
    expect(readRecord(run.outputs.record).images[0]!.tags.map((tag) => tag.status)).toEqual([
      'rolled-back',
      'rolled-back'
    ])
    // The undo is pinned like any write: live went back by PutImage of v1's own manifest.
    const restore = emulator.log.find(
      (entry) =>
        entry.operation === 'PutImage' &&
        entry.body?.repositoryName === api.repository.name &&
        entry.body.imageTag === 'live' &&
        entry.body.imageDigest === api.v1.digest
    )
    expect(restore?.status).toBe(200)
  })

  test('a tag someone else moved after the write is left alone, and named', async () => {
    const { api, web } = release()
    const theirs = buildImage({ files: { 'bin/hotfix': randomBytes(64) } })
    pushImage(api.repository, theirs, emulator.state.settings)
    denyWrites(web.repository, () => api.repository.tags.set('live', theirs.digest))
    const run = await releaseWithRollback(api.repository, web.repository)
    expect(run.exitCode).toBe(1)
    expect(api.repository.tags.get('live')).toBe(theirs.digest)
    expect(api.repository.tags.has('next')).toBe(false)
    const live = imagesOf(run)
      .find((image) => image.name.includes('/api'))
      ?.tags.find((tag) => tag.tag === 'live')
    // Neither where the run put it nor where it was: failed, and where it is now, as read.
    expect(live).toMatchObject({ status: 'failed', digestAfter: theirs.digest })
    expect(live?.message).toContain(`moved since, to ${theirs.digest}, by someone else`)
    expect(run.summary).toMatch(/Rolled back what could be; live could not be/)
    expect(run.stdout).toMatch(/::error title=Not rolled back%3A live::.*moved since/)
  })

  test('into an immutable repository: a tag this run created is removed, as ECR allows', async () => {
    counter++
    const api = emulator.state.createRepository(DEV, REGION, `rb${counter}/api`, {
      tagMutability: 'IMMUTABLE'
    })
    const web = emulator.state.createRepository(DEV, REGION, `rb${counter}/web`)
    const v2 = buildImage({ files: { 'bin/api': randomBytes(256) } })
    pushImage(api, v2, emulator.state.settings, ['rc'])
    pushImage(
      web,
      buildImage({ files: { 'bin/web': randomBytes(256) } }),
      emulator.state.settings,
      ['rc']
    )
    denyWrites(web)
    const inputs = {
      sources: `${api.name}:rc\n${web.name}:rc`,
      tags: 'v2.0.0',
      region: REGION,
      'on-failure': 'rollback'
    }
    const run = await runDist(inputs, emulator.env)
    expect(run.exitCode).toBe(1)
    expect(api.tags.has('v2.0.0')).toBe(false)
    // The image stays, under its own tag: only the tag the run created went.
    expect(api.tags.get('rc')).toBe(v2.digest)
    expect(imagesOf(run)[0]!.tags).toEqual([
      expect.objectContaining({ tag: 'v2.0.0', status: 'rolled-back', previousDigest: null })
    ])
    // A rerun once the cause is fixed creates it again: nothing was left half done.
    emulator.onRequest(undefined)
    const rerun = await runDist(inputs, emulator.env)
    expect(rerun.exitCode).toBe(0)
    expect(api.tags.get('v2.0.0')).toBe(v2.digest)
  })

  test('by default the tags written stay, as before', async () => {
    const { api, web } = release()
    denyWrites(web.repository)
    const run = await runDist(
      {
        sources: `${api.repository.name}:rc\n${web.repository.name}:rc`,
        tags: 'live',
        region: REGION
      },
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    expect(api.repository.tags.get('live')).toBe(api.v2.digest)
    expect(emulator.log.some((entry) => entry.operation === 'BatchDeleteImage')).toBe(false)
  })

  test('the command line takes --on-failure rollback, and refuses another choice', async () => {
    const { api, web } = release()
    denyWrites(web.repository)
    const sources = `${api.repository.name}:rc,${web.repository.name}:rc`
    const run = await runCommand(
      ['--sources', sources, '--tags', 'next', '--region', REGION, '--on-failure', 'rollback'],
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    expect(api.repository.tags.has('next')).toBe(false)
    expect(run.stdout).toMatch(/next\s+rolled-back/)
    const wrong = await runCommand(
      ['--sources', sources, '--tags', 'next', '--region', REGION, '--on-failure', 'undo'],
      emulator.env
    )
    expect(wrong.exitCode).toBe(2)
    expect(wrong.stderr).toMatch(/on-failure.*"undo" is not a choice; use keep or rollback/)
  })
})

/** The bundled action promoting both services' `rc` to live, rolling back on failure. */
const liveWithRollback = (
  { api, web }: ReturnType<typeof release>,
  onSpawn: Parameters<typeof runDist>[2]
) =>
  runDist(
    {
      sources: `${api.repository.name}:rc\n${web.repository.name}:rc`,
      tags: 'live',
      region: REGION,
      'on-failure': 'rollback'
    },
    emulator.env,
    onSpawn
  )

/** web's PutImage is held, then its connection dropped: the writes stop short of web. */
function holdWrites(web: Repository, heldMs: number, onHeld: () => void = () => {}) {
  emulator.onRequest(async (request) => {
    if (request.operation !== 'PutImage' || request.body.repositoryName !== web.name) return
    onHeld()
    await new Promise((resolve) => setTimeout(resolve, heldMs))
    return { drop: true }
  })
}

describe('on-failure: rollback when the run is stopped', () => {
  test('a deadline mid-release: what was written is put back, and the run says it timed out', async () => {
    const { api, web } = release()
    holdWrites(web.repository, 1_500)
    const run = await runDist(
      {
        sources: `${api.repository.name}:rc\n${web.repository.name}:rc`,
        tags: 'live, next',
        region: REGION,
        'on-failure': 'rollback',
        timeout: '1s'
      },
      emulator.env
    )
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(1)
    expect(api.repository.tags.get('live')).toBe(api.v1.digest)
    expect(api.repository.tags.has('next')).toBe(false)
    expect(web.repository.tags.get('live')).toBe(web.v1.digest)
    expect(web.repository.tags.has('next')).toBe(false)
    const report = JSON.parse(run.outputs.result!) as ReleaseResultJson
    expect(report.status).toBe('cancelled')
    expect(report.images[0]!.tags.map((tag) => tag.status)).toEqual(['rolled-back', 'rolled-back'])
    expect(run.summary).toContain('Timed out and rolled back: 0 of 2 images left fully promoted')
    expect(run.stdout).toContain('::group::Roll back: the tags this run wrote')
    expect(readRecord(run.outputs.record).status).toBe('cancelled')
  }, 30_000)

  test('SIGINT mid-release: the rollback still writes while the run stops', async () => {
    const services = release()
    const { api, web } = services
    const run = await liveWithRollback(services, (child) =>
      holdWrites(web.repository, 1_000, () => child.kill('SIGINT'))
    )
    emulator.onRequest(undefined)
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    expect(api.repository.tags.get('live')).toBe(api.v1.digest)
    expect(web.repository.tags.get('live')).toBe(web.v1.digest)
    expect(imagesOf(run)[0]!.tags).toEqual([
      expect.objectContaining({ tag: 'live', status: 'rolled-back', previousDigest: api.v1.digest })
    ])
    expect(run.summary).toContain('Cancelled and rolled back')
    expect(run.stdout).toContain('Every tag this run wrote was put back where it was')
  }, 30_000)

  test("the runner's SIGTERM cuts a rollback short: the report says the tag may be at either digest", async () => {
    const services = release()
    const { api, web } = services
    const held: Array<() => void> = []
    const run = await liveWithRollback(services, (child) =>
      emulator.onRequest((request) => {
        if (request.operation !== 'PutImage') return
        if (request.body.repositoryName === web.repository.name) {
          child.kill('SIGINT')
          return { status: 500, body: { __type: 'ServerException', message: 'busy' } }
        }
        // api's undo is held unanswered: only the SIGTERM lets the run end.
        if (request.body.imageDigest === api.v1.digest) {
          setTimeout(() => child.kill('SIGTERM'), 200)
          return new Promise((resolve) => held.push(() => resolve({ drop: true })))
        }
      })
    )
    emulator.onRequest(undefined)
    for (const release of held) release()
    expect(run.signal).toBeNull()
    expect(run.exitCode).toBe(1)
    const live = imagesOf(run)[0]!.tags[0]!
    expect(live.status).toBe('failed')
    expect(live.message).toContain('Rolling back did not finish before the process had to end')
    expect(live.message).toContain(`points at ${api.v2.digest}`)
    expect(run.stdout).toMatch(/::error title=Not rolled back%3A live::/)
    expect(run.summary).toContain('Rolled back what could be; live could not be')
  }, 30_000)
})
