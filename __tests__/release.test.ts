// A whole release in one step, against the local ECR: twenty images in three repositories promoted
// from one account into another, verified before any write, all-or-nothing, copies before tags,
// and a rerun that converges; release files and their schema errors; the matrix output.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage, type BuiltImage } from '../emulator/index.js'
import type { ReleaseResultJson } from '../src/promotion/index.js'

const DEV = '111111111111'
const PROD = '222222222222'
const REGION = 'us-east-1'
const SERVICES = ['api', 'web', 'worker']
const fast = { registry: { retryDelay: () => 0 }, copy: { progressIntervalMs: 0 } }
const emulator = useEmulator({ defaultAccount: DEV, inProcess: true })
const workspace = mkdtempSync(join(tmpdir(), 'ecr-promote-release-'))

/** The log's groups as GitHub folds them; a group opened in another, or closed twice, fails. */
function logGroups(stdout: string): Array<{ name: string; lines: string[] }> {
  const groups: Array<{ name: string; lines: string[] }> = []
  let open: { name: string; lines: string[] } | undefined
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) {
      if (open) throw new Error(`group "${line.slice(9)}" opened inside "${open.name}"`)
      open = { name: line.slice(9), lines: [] }
      groups.push(open)
    } else if (line === '::endgroup::') {
      if (!open) throw new Error('::endgroup:: with no group open')
      open = undefined
    } else open?.lines.push(line)
  }
  if (open) throw new Error(`group "${open.name}" never closed`)
  return groups
}

let counter = 0
interface Release {
  images: Array<{ service: string; tag: string; image: BuiltImage }>
  /** `service:tag` per image, as the sources input lists them. */
  lines: string[]
  names: string[]
}

/** Twenty images built in three DEV repositories, and their (empty) repositories in PROD. */
function release(size = 20): Release {
  counter++
  const names = SERVICES.map((service) => `r${counter}/${service}`)
  for (const name of names) {
    emulator.state.createRepository(DEV, REGION, name)
    emulator.state.createRepository(PROD, REGION, name)
  }
  const images = Array.from({ length: size }, (_, i) => {
    const service = names[i % names.length]!
    const image = buildImage({ files: { [`bin/${i}`]: randomBytes(300) } })
    pushImage(emulator.state.repository(DEV, REGION, service), image, emulator.state.settings, [
      `build-${i}`
    ])
    return { service, tag: `build-${i}`, image }
  })
  return { images, lines: images.map(({ service, tag }) => `${service}:${tag}`), names }
}

/** A release file whose entries each get their own tag, so no two images claim one tag. */
function releaseFile(entries: unknown, name = `release-${++counter}.json`): string {
  writeFileSync(
    join(workspace, name),
    typeof entries === 'string' ? entries : JSON.stringify(entries)
  )
  return name
}

function entriesOf(r: Release) {
  return r.images.map(({ service, tag }, i) => ({ repository: service, tag, tags: [`rc-${i}`] }))
}

const inputs = (file: string) => ({
  'sources-file': file,
  region: REGION,
  'target-registry-id': PROD
})
const env = { GITHUB_WORKSPACE: workspace }
const writes = () =>
  emulator.log.filter((entry) =>
    ['PutImage', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload'].includes(
      entry.operation
    )
  )
const resultOf = (run: { outputs: Record<string, string> }) =>
  JSON.parse(run.outputs.result!) as ReleaseResultJson

describe('a release of twenty images in three repositories, into another account', () => {
  test('one read per source repository, every copy before any tag, and a rerun that writes nothing', async () => {
    const r = release()
    const file = releaseFile(entriesOf(r))
    const run = await runAction(inputs(file), env, fast)
    if (run.exitCode !== 0) throw new Error(run.stdout)
    const result = resultOf(run)
    expect(result.status).toBe('promoted')
    expect(result.images).toHaveLength(20)
    expect(result.totals).toMatchObject({ images: 20, tags: 20, statuses: { created: 20 } })
    r.images.forEach(({ service, image }, i) =>
      expect(emulator.state.tagDigest(PROD, REGION, service, `rc-${i}`)).toBe(image.digest)
    )
    // One BatchGetImage per source repository reads all its sources.
    const reads = emulator.log.filter(
      (entry) => entry.operation === 'BatchGetImage' && entry.registryId === DEV
    )
    expect(reads).toHaveLength(3)
    // No tag of the release moved before every image was in place.
    const firstTag = emulator.log.findIndex(
      (entry) => entry.operation === 'PutImage' && entry.body?.imageTag
    )
    const lastCopy = emulator.log.findLastIndex((entry) =>
      ['CompleteLayerUpload', 'UploadLayerPart'].includes(entry.operation)
    )
    expect(firstTag).toBeGreaterThan(lastCopy)
    expect(run.outputs.images!.split('\n')).toHaveLength(20)
    expect(run.outputs.changed).toBe('true')
    expect(run.summary).toContain('<h3>✅ Promoted a release of 20 images</h3>')
    // Copies run side by side in one group, every line naming its image, and the groups balance.
    const copy = logGroups(run.stdout).filter((group) => group.name.startsWith('Copy'))
    expect(copy.map((group) => group.name)).toEqual(['Copy 20 images into their targets'])
    for (const image of result.images) {
      const lines = copy[0]!.lines.filter((line) => line.startsWith(`${image.name}: `))
      expect(lines[0]).toMatch(/: copying into 222222222222\.dkr\.ecr\./)
      expect(lines.some((line) => /: Copied \d+ blobs? \(/.test(line))).toBe(true)
    }

    emulator.resetLog()
    const rerun = await runAction(inputs(file), env, fast)
    expect(rerun.exitCode).toBe(0)
    expect(resultOf(rerun).status).toBe('unchanged')
    expect(writes()).toEqual([])
    expect(
      emulator.log.filter(
        (entry) => entry.operation === 'BatchGetImage' && entry.registryId === DEV
      )
    ).toHaveLength(3)
  }, 60_000)

  test('one missing source: nothing is written for any image, and every problem is listed', async () => {
    const r = release()
    const entries = [
      ...entriesOf(r),
      { repository: r.names[0], tag: 'no-such-build', tags: ['rc-x'] }
    ]
    const dry = await runAction({ ...inputs(releaseFile(entries)), 'dry-run': 'true' }, env, fast)
    emulator.resetLog()
    const run = await runAction(inputs(releaseFile(entries)), env, fast)
    expect(run.exitCode).toBe(1)
    expect(dry.exitCode).toBe(run.exitCode)
    expect(writes()).toEqual([])
    const result = resultOf(run)
    // A source that is not there fails the run (exit 1 on the command line), it is not refused.
    expect(result.status).toBe('failed')
    expect(result.images.filter((image) => image.problem)).toHaveLength(1)
    expect(result.images[0]!.status).toBe('failed')
    expect(result.images[0]!.tags[0]!.message).toBe(
      'Not written: the run failed before any write (see the problems above).'
    )
    expect(result.images[20]!.problem).toContain('there is no image with tag "no-such-build"')
    // One problem, one annotation: the image, what is wrong, and what to do.
    expect(run.stdout.match(/^::error.*$/gm)).toEqual([
      expect.stringContaining(
        `::error title=Source image not found::${r.names[0]}:no-such-build: There is no image with tag "no-such-build"`
      )
    ])
  }, 60_000)

  test('one immutable conflict: nothing is written for any image', async () => {
    const r = release(6)
    const target = emulator.state.repository(PROD, REGION, r.names[1]!)
    target.tagMutability = 'IMMUTABLE'
    const old = buildImage({ files: { 'bin/old': randomBytes(50) } })
    pushImage(target, old, emulator.state.settings, ['rc-1'])
    const run = await runAction(inputs(releaseFile(entriesOf(r))), env, fast)
    expect(run.exitCode).toBe(1)
    expect(writes()).toEqual([])
    const result = resultOf(run)
    expect(result.images[1]!.tags[0]).toMatchObject({ tag: 'rc-1', status: 'conflict' })
    expect(result.totals.statuses.skipped).toBe(5)
  }, 60_000)

  test('a dry run says exactly what the real run then does', async () => {
    const r = release(9)
    const file = releaseFile(entriesOf(r))
    const dry = await runAction({ ...inputs(file), 'dry-run': 'true' }, env, fast)
    expect(writes()).toEqual([])
    const real = await runAction(inputs(file), env, fast)
    expect(dry.exitCode).toBe(real.exitCode)
    const planned = resultOf(dry).images.map((image) => image.tags.map((tag) => tag.status))
    const done = resultOf(real).images.map((image) => image.tags.map((tag) => tag.status))
    expect(planned.flat().every((status) => status === 'would-create')).toBe(true)
    expect(done.flat().every((status) => status === 'created')).toBe(true)
    expect(resultOf(dry).images.map((image) => image.digest)).toEqual(
      resultOf(real).images.map((image) => image.digest)
    )
  }, 60_000)

  test("one image's copy failing writes no tag, and each image says whose copy failed", async () => {
    const r = release(3)
    const file = releaseFile(entriesOf(r))
    const broken = r.images[1]!.service
    emulator.onRequest((request) =>
      request.operation === 'InitiateLayerUpload' && request.body.repositoryName === broken
        ? { status: 500, body: { __type: 'ServerException', message: 'Internal error' } }
        : undefined
    )
    const run = await runAction(inputs(file), env, fast)
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    expect(result.status).toBe('failed')
    expect(
      writes().filter((entry) => entry.operation === 'PutImage' && entry.body?.imageTag)
    ).toEqual([])
    const messages = result.images.map((image) => image.tags[0]!.message)
    expect(messages[1]).toBe(
      'Not written: copying the image into its target failed; rerun to resume.'
    )
    for (const i of [0, 2])
      expect(messages[i]).toBe(
        "Not written: another image's copy failed, and a release writes no tag until every copy is done; rerun to resume."
      )
  })

  test('a failure part way is reported image by image, and a rerun writes only what is missing', async () => {
    const r = release(6)
    const file = releaseFile(entriesOf(r))
    // The copies go through; one tag's writes fail beyond the retries.
    emulator.onRequest((request) =>
      request.operation === 'PutImage' && request.body.imageTag === 'rc-3'
        ? { status: 500, body: { __type: 'ServerException', message: 'Internal error' } }
        : undefined
    )
    const run = await runAction(inputs(file), env, fast)
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    expect(result.status).toBe('failed')
    expect(result.images[3]!.tags[0]).toMatchObject({ tag: 'rc-3', status: 'failed' })
    const done = result.images.filter((image) => image.status === 'promoted').length
    expect(done).toBeGreaterThan(0)

    emulator.resetLog()
    const rerun = await runAction(inputs(file), env, fast)
    expect(rerun.exitCode).toBe(0)
    const tagWrites = emulator.log.filter(
      (entry) => entry.operation === 'PutImage' && entry.body?.imageTag
    )
    expect(tagWrites.length).toBe(6 - done)
    expect(
      emulator.log.filter(
        (entry) => entry.operation === 'BatchGetImage' && entry.registryId === DEV
      )
    ).toHaveLength(3)
  }, 60_000)
})

describe('release files', () => {
  test.each([
    ['not YAML or JSON', 'repository: [unclosed', 'is not YAML or JSON'],
    ['not a list', '{"repository": "api"}', 'the document must be array'],
    [
      'an unknown field',
      [{ repository: 'api', tag: 'x', tgas: ['y'] }],
      'entry 1 (api:x): unknown field "tgas"'
    ],
    ['no repository', [{ tag: 'x' }], 'entry 1: field "repository" is required'],
    [
      'neither tag nor digest',
      [{ repository: 'api' }],
      'entry 1 (api): give a tag, a digest, or both'
    ],
    [
      'a bad tag',
      [{ repository: 'api', tag: 'bad tag' }],
      'entry 1 (api:bad tag), field "tag": must match pattern'
    ],
    [
      'a bad extra tag',
      [{ repository: 'api', tag: 'x', tags: ['ok', 'no/slash'] }],
      'field "tags" item 2: must match pattern'
    ],
    [
      'a bad digest',
      [{ repository: 'api', digest: 'sha256:abc' }],
      'field "digest": must match pattern'
    ],
    ['an empty list', [], 'the document must NOT have fewer than 1 items']
  ])(
    '%s: one error naming the entry and field, and nothing asked of ECR',
    async (_, entries, message) => {
      const run = await runAction(inputs(releaseFile(entries)), env, fast)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('::error::Input "sources-file": ')
      expect(run.stdout).toContain(message)
      expect(emulator.log).toEqual([])
      expect(JSON.parse(run.outputs.result!)).toMatchObject({
        status: 'input-error',
        input: 'sources-file'
      })
    }
  )

  test('a YAML release file, and an entry of a repository the schema accepts but ECR does not', async () => {
    const yaml = 'repository: Bad_Name\n'
    const bad = await runAction(inputs(releaseFile(`- ${yaml}  tag: x\n`, 'bad.yaml')), env, fast)
    expect(bad.stdout).toContain(
      '::error::Input "sources-file": entry 1 (Bad_Name): "Bad_Name" is not a valid repository name'
    )
    const r = release(2)
    const good = `- repository: ${r.names[0]}\n  tag: build-0\n  tags: [yaml-0]\n- repository: ${r.names[1]}\n  tag: build-1\n  tags: [yaml-1]\n`
    const run = await runAction(inputs(releaseFile(good, 'good.yaml')), env, fast)
    expect(run.exitCode).toBe(0)
    expect(emulator.state.tagDigest(PROD, REGION, r.names[1]!, 'yaml-1')).toBe(
      r.images[1]!.image.digest
    )
  })

  test('sources and the single-image inputs together are an error naming them', async () => {
    const run = await runAction(
      { sources: 'api:x', repository: 'api', tags: 'prod', region: REGION },
      env,
      fast
    )
    expect(run.stdout).toContain(
      '::error::Input "repository": does not apply to a release (sources)'
    )
    const claimed = await runAction(
      { sources: 'api:a\napi:b', tags: 'prod', region: REGION },
      env,
      fast
    )
    expect(claimed.stdout).toContain('api:a and api:b would both get tag "prod"')
  })
})

describe("the README's release example", () => {
  test("a build job's YAML list in sources, with expected digests, from the dev account to prod", async () => {
    const r = release(3)
    // As the build job's shell loop writes it to GITHUB_OUTPUT.
    const sources = r.images
      .map(
        ({ service, tag, image }) =>
          `- repository: ${service}\n  tag: ${tag}\n  expected-digest: ${image.digest}`
      )
      .join('\n')
    const run = await runAction(
      { sources, 'registry-id': DEV, 'target-registry-id': PROD, tags: 'prod', region: REGION },
      env,
      fast
    )
    if (run.exitCode !== 0) throw new Error(run.stdout)
    for (const { service, image } of r.images)
      expect(emulator.state.tagDigest(PROD, REGION, service, 'prod')).toBe(image.digest)
    // A digest that is not the one built refuses the whole release.
    const wrong = sources.replace(r.images[1]!.image.digest, r.images[0]!.image.digest)
    const refused = await runAction(
      {
        sources: wrong,
        'registry-id': DEV,
        'target-registry-id': PROD,
        tags: 'v2',
        region: REGION
      },
      env,
      fast
    )
    expect(refused.exitCode).toBe(1)
    expect(resultOf(refused).status).toBe('refused')
    for (const { service } of r.images)
      expect(emulator.state.tagDigest(PROD, REGION, service, 'v2')).toBeUndefined()
  })
})

describe('the matrix output', () => {
  test('groups the release by target account and region, each group pinned to the planned digests', async () => {
    const r = release(4)
    for (const name of r.names) emulator.state.createRepository(PROD, 'eu-west-1', name)
    const entries = entriesOf(r).map((entry, i) =>
      i % 2 === 0
        ? {
            ...entry,
            'target-repository': `${PROD}.dkr.ecr.eu-west-1.amazonaws.com/${entry.repository}`
          }
        : entry
    )
    const run = await runAction({ ...inputs(releaseFile(entries)), 'dry-run': 'true' }, env, fast)
    if (run.exitCode !== 0) throw new Error(run.stdout)
    const matrix = JSON.parse(run.outputs.matrix!) as {
      include: Array<{ target: string; images: number; sources: string }>
    }
    expect(matrix.include.map((group) => [group.target, group.images])).toEqual([
      [`${PROD}/eu-west-1`, 2],
      [`${PROD}/${REGION}`, 2]
    ])
    // A group's sources are a release of their own, pinned to what this dry run resolved.
    const group = JSON.parse(matrix.include[0]!.sources) as Array<Record<string, unknown>>
    expect(group[0]).toEqual({
      repository: `${DEV}.dkr.ecr.${REGION}.amazonaws.com/${r.names[0]}`,
      digest: r.images[0]!.image.digest,
      'target-repository': `${PROD}.dkr.ecr.eu-west-1.amazonaws.com/${r.names[0]}`,
      tags: ['rc-0']
    })
    // And one job's promotion of its group works from the group alone.
    const job = await runAction({ sources: matrix.include[0]!.sources }, env, fast)
    expect(job.exitCode).toBe(0)
    // Its summary names each image short: no registry host, and the digest cut as in the tables.
    const images = [...job.summary.matchAll(/<tr><td><code>([^<]+)<\/code>/g)].map((m) => m[1]!)
    expect(images.length).toBeGreaterThan(0)
    for (const name of images) expect(name).toMatch(/^r\d+\/\w+@sha256:[0-9a-f]{12}…$/)
    expect(emulator.state.tagDigest(PROD, 'eu-west-1', r.names[0]!, 'rc-0')).toBe(
      r.images[0]!.image.digest
    )
  }, 60_000)
})
