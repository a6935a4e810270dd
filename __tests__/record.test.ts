// The promotion record (the `record` output, an in-toto predicate) for each way a run can end:
// valid against schema/record.schema.json, and saying what the run did, tag by tag, under which
// guards and gates, from which workflow run; the same as the `result` output says.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emulatorEnvironment, runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { checkRecord, readRecord } from '../__fixtures__/record.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { PREDICATE_TYPE, type PromotionRecord } from '../src/promotion/index.js'

const ACCOUNT = '123456789012'
const PROD = '222222222222'
const REGION = 'us-east-1'
const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`
const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
).version
const fast = { registry: { retryDelay: () => 0 } }
const emulator = useEmulator({ inProcess: true })

// The workflow run, as the runner describes it to every step.
const RUN = {
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_JOB: 'promote',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.4.0',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com'
}

let counter = 0
/** A repository with `staging` on a new build and `prod` on the one before. */
function fixture() {
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `record/app${++counter}`)
  const previous = buildImage({ files: { 'bin/app': randomBytes(200) } })
  const image = buildImage({ files: { 'bin/app': randomBytes(200) } })
  pushImage(repository, previous, emulator.state.settings, ['prod'])
  pushImage(repository, image, emulator.state.settings, ['staging', 'latest'])
  const inputs = {
    repository: repository.name,
    'source-tag': 'staging',
    tags: 'prod,v1.4.0,latest',
    region: REGION
  }
  return { repository, image, previous, inputs }
}

async function run(inputs: Record<string, string>) {
  const started = new Date()
  const result = await runAction(inputs, RUN, fast)
  const record = readRecord(result.outputs.record)
  const promotedAt = new Date(record.promotedAt)
  expect(promotedAt.getTime()).toBeGreaterThanOrEqual(started.getTime())
  expect(promotedAt.getTime()).toBeLessThanOrEqual(Date.now())
  return { ...result, record }
}

/** Each tag's status and previous digest, as the record has them. */
const tagsOf = (record: PromotionRecord, image = 0) =>
  Object.fromEntries(
    record.images[image]!.tags.map((tag) => [tag.tag, [tag.status, tag.previousDigest]])
  )

const statusesOf = (record: PromotionRecord) => record.images[0]!.tags.map((tag) => tag.status)

describe('the promotion record', () => {
  test('of a promotion: an in-toto statement about the image, its tags before and after, the guards and the run', async () => {
    const { repository, image, previous, inputs } = fixture()
    const { record, result, exitCode } = await run({
      ...inputs,
      'expected-digest': image.digest,
      'protect-tags': 'v1.3.*'
    })
    expect(exitCode).toBe(0)
    expect(record).toMatchObject({
      tool: { name: 'ecr-promote', version },
      status: 'promoted',
      dryRun: false,
      guards: {
        protectTags: ['v1.3.*'],
        expectedDigests: { [`${repository.name}:staging`]: image.digest }
      },
      images: [
        {
          name: `${repository.name}:staging`,
          target: { repository: repository.name, registryId: ACCOUNT, region: REGION },
          // What actions/attest names as the subject: the image in its target, by digest.
          image: `${HOST}/${repository.name}@${image.digest}`,
          digest: image.digest,
          mediaType: image.mediaType
        }
      ],
      provenance: {
        repository: 'acme/app',
        workflow: 'Release',
        job: 'promote',
        runId: 4242,
        runAttempt: 2,
        runUrl: 'https://github.com/acme/app/actions/runs/4242/attempts/2',
        actor: 'octocat',
        event: 'push',
        ref: 'refs/tags/v1.4.0',
        sha: RUN.GITHUB_SHA
      }
    })
    expect(tagsOf(record)).toEqual({
      prod: ['moved', previous.digest],
      'v1.4.0': ['created', null],
      latest: ['unchanged', image.digest]
    })
    // The record and the result output tell one story.
    expect(result!.tags.map(({ tag, status }) => [tag, status])).toEqual(
      record.images[0]!.tags.map(({ tag, status }) => [tag, status])
    )
  })

  test('of a rerun: every tag unchanged', async () => {
    const { inputs } = fixture()
    await run(inputs)
    const { record } = await run(inputs)
    expect(record.status).toBe('unchanged')
    expect(statusesOf(record)).toEqual(['unchanged', 'unchanged', 'unchanged'])
  })

  test('of a dry run: what would be written, and nothing was', async () => {
    const { repository, previous, inputs } = fixture()
    const { record } = await run({ ...inputs, 'dry-run': 'true' })
    expect(record).toMatchObject({ status: 'dry-run', dryRun: true })
    expect(tagsOf(record)).toMatchObject({
      prod: ['would-move', previous.digest],
      'v1.4.0': ['would-create', null]
    })
    expect(repository.tags.get('prod')).toBe(previous.digest)
  })

  test('of a refusal: the protected tag refused, the others not written', async () => {
    const { inputs, previous } = fixture()
    const { record, exitCode } = await run({ ...inputs, 'protect-tags': 'prod' })
    expect(exitCode).toBe(1)
    expect(record.status).toBe('refused')
    expect(record.guards.protectTags).toEqual(['prod'])
    expect(tagsOf(record)).toEqual({
      prod: ['refused', previous.digest],
      'v1.4.0': ['skipped', null],
      latest: expect.arrayContaining(['unchanged'])
    })
  })

  test('of a failure part way: the tag ECR refused failed, the one before it stays created', async () => {
    const { inputs } = fixture()
    emulator.setFaults({ rules: [{ kind: 'limit-exceeded', nth: 2, operations: ['PutImage'] }] })
    const { record, exitCode } = await run(inputs)
    expect(exitCode).toBe(1)
    expect(record.status).toBe('failed')
    const statuses = statusesOf(record)
    expect(tagsOf(record).latest).toEqual(['unchanged', expect.any(String)])
    expect(statuses.filter((status) => status === 'failed')).toHaveLength(1)
    expect(statuses.filter((status) => status === 'moved' || status === 'created')).toHaveLength(1)
  })

  test('of a source that does not exist: no digest, and the image as asked', async () => {
    const { inputs } = fixture()
    const { record, exitCode } = await run({ ...inputs, 'source-tag': 'nope' })
    expect(exitCode).toBe(1)
    expect(record.images[0]).not.toHaveProperty('digest')
    expect(record.images[0]).not.toHaveProperty('image')
    expect(statusesOf(record)).toEqual(['skipped', 'skipped', 'skipped'])
  })

  test('of a gate that refused: its verdict and what it counted', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [{ name: 'CVE-2026-0001', severity: 'CRITICAL' }]
    })
    const { record } = await run({ ...inputs, 'vulnerability-threshold': 'high' })
    expect(record.status).toBe('refused')
    expect(record.images[0]!.gates).toEqual([
      expect.objectContaining({
        gate: 'vulnerability',
        passed: false,
        counts: { image: { CRITICAL: 1 } }
      })
    ])
  })

  test('of a release into another account: every image, by digest in its target', async () => {
    const names = ['record/api', 'record/web']
    const images = names.map((name) => {
      const image = buildImage({ files: { [name]: randomBytes(200) } })
      pushImage(
        emulator.state.createRepository(ACCOUNT, REGION, name),
        image,
        emulator.state.settings,
        ['build-7']
      )
      emulator.state.createRepository(PROD, REGION, name)
      return image
    })
    const { record, exitCode } = await run({
      sources: names.map((name) => `${name}:build-7`).join('\n'),
      tags: 'prod',
      'target-registry-id': PROD,
      region: REGION
    })
    expect(exitCode).toBe(0)
    expect(record.status).toBe('promoted')
    expect(record.images.map((image) => image.image)).toEqual(
      names.map((name, i) => `${PROD}.dkr.ecr.${REGION}.amazonaws.com/${name}@${images[i]!.digest}`)
    )
    expect(record.images.map((image) => [image.source, image.target])).toEqual(
      names.map((name) => [
        { repository: name, registryId: ACCOUNT, region: REGION },
        { repository: name, registryId: PROD, region: REGION }
      ])
    )
  })

  test('of a run whose event payload is not JSON: the bundled action still reports its run', async () => {
    // The toolkit's context parses GITHUB_EVENT_PATH as it loads, and throws on what is not JSON.
    const { inputs } = fixture()
    const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(event, '{"truncated": ')
    const run = await runDist(inputs, {
      ...emulatorEnvironment(emulator.url),
      AWS_REGION: REGION,
      ...RUN,
      GITHUB_EVENT_PATH: event
    })
    expect(run.exitCode).toBe(0)
    const runUrl = 'https://github.com/acme/app/actions/runs/4242/attempts/2'
    expect(run.summary).toContain(runUrl)
    expect(readRecord(run.outputs.record).provenance).toMatchObject({
      runId: 4242,
      runUrl,
      actor: 'octocat',
      event: 'push',
      sha: RUN.GITHUB_SHA
    })
  })

  test('where the summary and the record cannot be written: the promotion stands, with warnings', async () => {
    const { inputs, image } = fixture()
    const missing = join(tmpdir(), `absent-${process.pid}-${Date.now()}`)
    const run = await runDist(inputs, {
      ...emulatorEnvironment(emulator.url),
      AWS_REGION: REGION,
      GITHUB_STEP_SUMMARY: join(missing, 'summary'),
      RUNNER_TEMP: missing
    })
    expect(run.exitCode).toBe(0)
    expect(run.result).toMatchObject({ status: 'promoted', digest: image.digest })
    expect(run.outputs.record).toBe('')
    expect(run.stdout).toContain('::warning::The job summary could not be written')
    expect(run.stdout).toContain(
      `::warning::The promotion record could not be written to ${missing}`
    )
    expect(run.stdout).not.toContain('::error')
  })

  test('of an input error: none, as nothing was attempted', async () => {
    const result = await runAction({ repository: 'record/app', tags: 'bad tag' }, RUN, fast)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.record).toBe('')
  })

  test('as docs/record.md shows it: valid, and from this version', () => {
    const docs = readFileSync(new URL('../docs/record.md', import.meta.url), 'utf8')
    const example = /```json\n([\s\S]*?)```/.exec(docs)![1]!
    const record = checkRecord(JSON.parse(example))
    expect(record.tool.version).toBe(version)
    expect(docs).toContain(`Predicate type: \`${PREDICATE_TYPE}\``)
  })
})
