// Reports at release scale, through the bundled action: a release of 1,000 images with 5 tags each
// keeps its job summary under GitHub's 1 MiB limit and its outputs together under 1 MB as GitHub
// counts them (UTF-16), shortens by design (problems first and in full), never sets an output in
// part, and leaves the whole result in the file `result-file` names.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runDist } from '../__fixtures__/actions.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { OUTPUTS_LIMIT, outputsSize } from '../src/action/outputs.js'
import type { ReleaseResultJson } from '../src/promotion/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const IMAGES = 1000
const TAGS = ['v2.31.0', '2.31', 'prod', 'prod-eu-west-1', 'release-2026-12-06']
const SUMMARY_LIMIT = 1024 * 1024

const emulator = useEmulator({ defaultAccount: ACCOUNT })
const name = (i: number) => `release/service-${String(i).padStart(4, '0')}`
/** The release as its sources input lists it: full URIs, as a build's metadata gives them. */
const sources = Array.from({ length: IMAGES }, (_, i) => `${HOST}/${name(i)}:build`)

beforeAll(() => {
  // Every image already carries its five tags: the run has nothing to write, and `images` lists
  // all 5,000 references.
  for (let i = 0; i < IMAGES; i++) {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, name(i))
    const image = buildImage({ files: { [`bin/${i}`]: randomBytes(32) } })
    pushImage(repository, image, emulator.state.settings, ['build', ...TAGS])
  }
})

/** The checks every report at this scale must pass. */
function withinLimits(run: Awaited<ReturnType<typeof runDist>>): ReleaseResultJson {
  expect(Buffer.byteLength(run.summary)).toBeLessThan(SUMMARY_LIMIT)
  expect(outputsSize(run.outputs)).toBeLessThan(OUTPUTS_LIMIT)
  const whole = JSON.parse(readFileSync(run.outputs['result-file']!, 'utf8')) as ReleaseResultJson
  expect(whole.images).toHaveLength(IMAGES)
  expect(whole.shortened).toBeUndefined()
  // An output is whole or empty, never cut.
  const references = run.outputs.images === '' ? [] : run.outputs.images!.split('\n')
  const inPlace = whole.images.flatMap((image) =>
    image.tags.filter((tag) => ['created', 'moved', 'unchanged'].includes(tag.status))
  )
  expect([0, inPlace.length]).toContain(references.length)
  expect(run.outputs.matrix === '' || JSON.parse(run.outputs.matrix!) !== undefined).toBe(true)
  return whole
}

describe('a release of 1,000 images with 5 tags', () => {
  test('that has nothing to change: every output within the limits, the rest in the result file', async () => {
    const run = await runDist({ sources: sources.join('\n'), tags: TAGS.join(',') }, emulator.env)
    expect(run.exitCode).toBe(0)
    const whole = withinLimits(run)
    expect(whole.status).toBe('unchanged')
    // `result` says it was shortened, and where the whole of it is.
    expect(run.result).toMatchObject({
      status: 'unchanged',
      totals: { images: IMAGES, tags: IMAGES * TAGS.length },
      shortened: { omittedImages: IMAGES, file: run.outputs['result-file'] }
    })
    // The matrix fans the release out whole; `images` did not fit beside it, and a warning says so.
    const matrix = JSON.parse(run.outputs.matrix!) as { include: Array<{ sources: string }> }
    expect(matrix.include.flatMap((group) => JSON.parse(group.sources) as unknown[])).toHaveLength(
      IMAGES
    )
    expect(run.outputs.images).toBe('')
    expect(run.stdout).toContain('::warning title=Output left empty::The "images" output is empty')
    expect(run.summary).toContain('Nothing to change: all 1000 images of the release')
    expect(run.summary).toContain("Shortened to fit GitHub's 1 MiB limit for a job summary")
    expect(run.summary).toContain(run.outputs['result-file'])
    expect(emulator.counts().PutImage).toBeUndefined()
  }, 120_000)

  test('with three sources that are not there: each named in full, first, within the limits', async () => {
    const missing = [17, 503, 998]
    const given = sources.map((line, i) =>
      missing.includes(i) ? line.replace(/:build$/, ':no-such-build') : line
    )
    const run = await runDist({ sources: given.join('\n'), tags: TAGS.join(',') }, emulator.env)
    expect(run.exitCode).toBe(1)
    withinLimits(run)
    const result = run.result as unknown as ReleaseResultJson
    expect(result.status).toBe('failed')
    // The shortened result keeps the images that stopped the run, whole.
    expect(result.images.map((image) => image.name)).toEqual(missing.map((i) => given[i]))
    for (const image of result.images) expect(image.problem).toContain('no-such-build')
    expect(result.shortened).toEqual({
      omittedImages: IMAGES - 3,
      file: run.outputs['result-file']
    })
    // The summary names each of them, with the whole message, before any table.
    const firstTable = run.summary.indexOf('<table>')
    for (const i of missing) {
      const at = run.summary.indexOf(`${name(i)}:no-such-build`)
      expect(at).toBeGreaterThan(0)
      expect(at).toBeLessThan(firstTable < 0 ? Infinity : firstTable)
    }
    expect(emulator.counts().PutImage).toBeUndefined()
  }, 120_000)
})
