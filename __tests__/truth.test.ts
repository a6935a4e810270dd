// Reports that say what happened, in the edge cases where a report is most tempted to guess: an
// answer lost after ECR applied a write, one repository named two ways, ECR's tag limit across
// entries, a source that does not resolve, a copy cut short. Each runs the action or the command
// line as a user does, against the local ECR, with its state as the witness.
import { describe, expect, test } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { runDist } from '../__fixtures__/actions.js'
import { runCommand } from './cli/run.js'
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

describe('one repository named two ways', () => {
  test('two images claiming one tag are refused before any write, naming both entries', async () => {
    const { repository, image: one } = seeded('claim/app', ['one'])
    const two = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(repository, two, emulator.state.settings, ['two'])
    const run = await runDist(
      {
        sources: `${repository.name}:one\n${HOST}/${repository.name}:two`,
        tags: 'claimed'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('refused')
    expect(emulator.counts().PutImage).toBeUndefined()
    expect(repository.tags.get('claimed')).toBeUndefined()
    // One problem, said once though it is both entries', with what to do.
    const errors = run.stdout.match(/^::error.*$/gm) ?? []
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('title=Tag claimed twice')
    expect(errors[0]).toContain('give each image its own tags')
    expect(errors[0]).toContain(
      `${repository.name}:one (${one.digest}) and ${HOST}/${repository.name}:two (${two.digest})`
    )
    expect(run.outputs.matrix).toBe('')
  })

  test('a target repository named by URI in one entry and by name in another is one repository', async () => {
    const { repository: a, image: one } = seeded('claim/a')
    const { repository: b, image: two } = seeded('claim/b')
    const target = emulator.state.createRepository(ACCOUNT, REGION, `claim/target${++counter}`)
    const run = await runDist(
      {
        sources: JSON.stringify([
          { repository: a.name, tag: 'staging', 'target-repository': target.name, tags: ['live'] },
          {
            repository: `${HOST}/${b.name}`,
            tag: 'staging',
            'target-repository': `${HOST}/${target.name}`,
            tags: ['live']
          }
        ])
      },
      emulator.env
    )
    expect(run.result?.status).toBe('refused')
    expect(run.stdout).toContain('title=Tag claimed twice')
    expect(run.stdout).toContain(`(${one.digest}) and ${HOST}/${b.name}:staging (${two.digest})`)
    // Nothing was written: neither copy, nor the tag.
    expect(emulator.counts().PutImage).toBeUndefined()
    expect(emulator.counts().CompleteLayerUpload).toBeUndefined()
    expect(target.tags.size).toBe(0)
  })

  test('the same image named twice is written and counted once', async () => {
    const { repository, image } = seeded('dup/app')
    const run = await runDist(
      {
        sources: `${repository.name}:staging\n${HOST}/${repository.name}:staging`,
        tags: 'prod,stable'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(0)
    expect(emulator.counts().PutImage).toBe(2)
    expect(repository.tags.get('prod')).toBe(image.digest)
    const release = run.result as unknown as {
      images: Array<{ tags: Array<{ status: string }> }>
      totals: { images: number; tags: number; statuses: Record<string, number> }
    }
    expect(release.images.map((entry) => entry.tags.map((tag) => tag.status))).toEqual([
      ['created', 'created'],
      ['created', 'created']
    ])
    expect(release.totals).toMatchObject({ images: 1, tags: 2, statuses: { created: 2 } })
  })
})

describe('a refusal before any write', () => {
  test('names no image in a target that does not hold it, and writes nothing there', async () => {
    const { repository: source, image } = seeded('refused/app')
    const target = emulator.state.createRepository(ACCOUNT, REGION, `${source.name}-prod`)
    const other = buildImage({ files: { bin: randomBytes(64) } })
    pushImage(target, other, emulator.state.settings, ['v1.0.0'])
    const run = await runDist(
      {
        repository: source.name,
        'source-tag': 'staging',
        'target-repository': target.name,
        tags: 'v1.0.0',
        'protect-tags': 'v*'
      },
      emulator.env
    )
    expect(run.result?.status).toBe('refused')
    // The digest was read, and is said; where it would have gone holds no such image.
    expect(run.outputs.digest).toBe(image.digest)
    expect(run.outputs.image).toBe('')
    expect(run.outputs.images).toBe('')
    expect(run.result).not.toHaveProperty('image')
    expect(run.outputs.changed).toBe('false')
    expect(target.images.has(image.digest)).toBe(false)
    expect(emulator.counts().CompleteLayerUpload).toBeUndefined()
  })
})

describe("ECR's tag limit", () => {
  const many = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}-${i}`)

  test('an image with 990 tags given 20 more is refused by the dry run as by the real run', async () => {
    const { repository, image } = seeded('limit/app', many('old', 990))
    for (const dryRun of ['true', 'false']) {
      emulator.resetLog()
      const run = await runDist(
        {
          repository: repository.name,
          'source-digest': image.digest,
          tags: many('new', 20).join(','),
          'dry-run': dryRun
        },
        emulator.env
      )
      expect(run.result?.status).toBe('refused')
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(`already carries 990 tags`)
      expect(emulator.counts().PutImage).toBeUndefined()
      expect(emulator.counts().DescribeImages).toBe(1)
    }
    expect(repository.tags.get('new-0')).toBeUndefined()
  })

  test('eleven entries of one image with 100 tags each are refused whole', async () => {
    const { repository, image } = seeded('limit/app', ['one'])
    const sources = Array.from({ length: 11 }, (_, i) => ({
      repository: repository.name,
      digest: image.digest,
      tags: many(`e${i}`, 100)
    }))
    const run = await runDist({ sources: JSON.stringify(sources) }, emulator.env)
    expect(run.result?.status).toBe('refused')
    expect(run.stdout).toContain('1100 more (over 11 entries')
    expect(emulator.counts().PutImage).toBeUndefined()
    // One read of the image's tags, however many entries name it.
    expect(emulator.counts().DescribeImages).toBe(1)
  })
})

describe('what a source or target that is not there is called, and how the command line exits', () => {
  const cli = (...args: string[]) => runCommand([...args, '--json'], emulator.env)
  const parse = (stdout: string) =>
    JSON.parse(stdout) as {
      status: string
      problems?: Array<{ title: string; message: string }>
      tags: Array<{ tag: string; status: string; previousDigest?: string | null }>
    }

  test('a missing source tag fails (exit 1), names the source, and claims no "before"', async () => {
    const { repository } = seeded('exit/app', ['staging', 'prod'])
    const run = await cli(`--repository=${repository.name}`, '--source-tag=nope', '--tags=prod')
    expect(run.exitCode).toBe(1)
    const result = parse(run.stdout)
    expect(result.status).toBe('failed')
    expect(result.problems?.[0]?.title).toBe('Source image not found')
    // The tag exists, but the run never compared it with anything: no "before" is claimed.
    expect(result.tags).toEqual([
      {
        tag: 'prod',
        status: 'skipped',
        message: expect.stringContaining('Not written: Source image not found'),
        retryable: false
      }
    ])
  })

  test('a missing source repository fails (exit 1), named as the source', async () => {
    const run = await cli('--repository=exit/none', '--source-tag=staging', '--tags=prod')
    expect(run.exitCode).toBe(1)
    expect(parse(run.stdout).problems?.[0]?.title).toBe('Source repository not found')
    expect(run.stderr).toContain('exit/none')
  })

  test('a missing target repository fails (exit 1), named as the target', async () => {
    const { repository } = seeded('exit/app')
    const run = await cli(
      `--repository=${repository.name}`,
      '--source-tag=staging',
      '--target-repository=exit/missing',
      '--tags=prod'
    )
    expect(run.exitCode).toBe(1)
    const [problem] = parse(run.stdout).problems!
    expect(problem).toMatchObject({
      title: 'Target repository not found',
      message: expect.stringMatching(/^Target: Cannot read repository exit\/missing /)
    })
    expect(run.stderr).not.toMatch(/Source|source\(s\)/)
  })

  test('a wrong expected digest is a refusal by that guard (exit 3)', async () => {
    const { repository, image } = seeded('exit/app')
    const other = `sha256:${'a'.repeat(64)}`
    const run = await cli(
      `--repository=${repository.name}`,
      '--source-tag=staging',
      `--expected-digest=${other}`,
      '--tags=prod'
    )
    expect(run.exitCode).toBe(3)
    const result = parse(run.stdout)
    expect(result.status).toBe('refused')
    expect(result.problems?.[0]).toMatchObject({
      title: 'Expected digest',
      message: `expected-digest guard: ${repository.name}:staging resolves to ${image.digest}, not ${other}.`
    })
    expect(run.stderr).not.toContain('not resolved')
  })
})

describe('a failure that no other write can get past', () => {
  test('an expired token on the 3rd of 5 writes: the writes waiting their turn are not sent, and the message says what to check', async () => {
    const { repository } = seeded('expired/app')
    let puts = 0
    emulator.onRequest((request) => {
      if (request.operation !== 'PutImage' || ++puts !== 3) return undefined
      return {
        status: 400,
        body: {
          __type: 'ExpiredTokenException',
          message: 'The security token included in the request is expired'
        }
      }
    })
    // Two writes a second: the 4th and 5th are waiting in the pacer when the 3rd fails.
    const run = await runDist(
      {
        repository: repository.name,
        'source-tag': 'staging',
        tags: 't1,t2,t3,t4,t5',
        'put-image-rate': '2'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    expect(emulator.counts().PutImage).toBe(3)
    expect(run.result?.tags.map((tag) => tag.status)).toEqual([
      'created',
      'created',
      'failed',
      'skipped',
      'skipped'
    ])
    expect(run.result?.tags[2]?.message).toContain(
      'the AWS credentials have expired (ExpiredTokenException). Renew them, or give the role session a longer duration'
    )
    expect(repository.tags.get('t4')).toBeUndefined()
  })

  test('text from AWS that quotes a credential is redacted from the log, the summary and the result', async () => {
    const { repository } = seeded('leak/app')
    const key = 'AKIAIOSFODNN7EXAMPLE'
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    const token = 'IQoJb3JpZ2luX2VjE' + 'A'.repeat(120)
    emulator.onRequest((request) =>
      request.operation === 'PutImage'
        ? {
            status: 400,
            body: {
              __type: 'AccessDeniedException',
              message: `User with key ${key} (secret ${secret}, token ${token}) is not authorized to perform: ecr:PutImage`
            }
          }
        : undefined
    )
    const run = await runDist(
      { repository: repository.name, 'source-tag': 'staging', tags: 'prod' },
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    for (const text of [run.stdout, run.summary, run.outputs.result!])
      for (const credential of [key, secret, token.slice(0, 40)])
        expect(text).not.toContain(credential)
    expect(run.result?.tags[0]?.message).toContain('[redacted key id]')
    expect(run.result?.tags[0]?.message).toContain('The role needs ecr:PutImage')
    expect(run.result?.tags[0]?.message).toContain('docs/iam.md')
  })

  test('a copy denied by IAM names the permissions and docs/iam.md, and claims no tag done', async () => {
    const { repository: source } = seeded('denied/app')
    const target = emulator.state.createRepository(ACCOUNT, REGION, `${source.name}-prod`)
    emulator.onRequest((request) =>
      request.operation === 'InitiateLayerUpload'
        ? {
            status: 400,
            body: {
              __type: 'AccessDeniedException',
              message: 'not authorized to perform: ecr:InitiateLayerUpload'
            }
          }
        : undefined
    )
    const run = await runDist(
      {
        repository: source.name,
        'source-tag': 'staging',
        'target-repository': target.name,
        tags: 'prod'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.copy?.error).toContain('was denied. The role needs')
    expect(run.result?.copy?.error).toContain('ecr:InitiateLayerUpload')
    expect(run.result?.copy?.error).toContain('docs/iam.md')
    expect(run.stdout).not.toContain('already done stay done')
    expect(run.stdout).toContain('No tag was written')
  })
})

describe('a stop that always reports', () => {
  test('SIGINT, then SIGTERM, while every call takes 2.2 s: outputs, summary and record are written, the tags in flight said unknown', async () => {
    const { repository } = seeded('slow/app')
    const tags = Array.from({ length: 20 }, (_, i) => `s${i}`)
    let signalled = false
    let child: ChildProcess | undefined
    // Every call answers 2.2 s late; the first write brings SIGINT, and SIGTERM 200 ms after it.
    emulator.onRequest((request) => {
      if (request.operation === 'PutImage' && !signalled && child) {
        signalled = true
        child.kill('SIGINT')
        setTimeout(() => child!.kill('SIGTERM'), 200)
      }
      return new Promise((resolve) => setTimeout(() => resolve(undefined), 2200))
    })
    const run = await runDist(
      { repository: repository.name, 'source-tag': 'staging', tags: tags.join(',') },
      emulator.env,
      (spawned) => (child = spawned)
    )
    expect(signalled).toBe(true)
    expect(run.result?.status).toBe('cancelled')
    expect(run.summary).toContain('Cancelled')
    expect(run.outputs.record).not.toBe('')
    expect(run.outputs.changed).toBeDefined()
    // The writes in flight could not be read back in time: neither written nor not, but unknown.
    const inFlight = run.result!.tags.filter((tag) => tag.message?.includes('not confirmed'))
    expect(inFlight.length).toBeGreaterThan(0)
    expect(inFlight.every((tag) => tag.status === 'cancelled')).toBe(true)
  }, 20_000)
})

describe('a raised put-image-rate', () => {
  test('is used: 50 tags at 1000 a second go out at once, not ten at a time', async () => {
    const { repository, image } = seeded('fast/app')
    // Each write held 100 ms, so that writes sent together overlap.
    emulator.onRequest((request) =>
      request.operation === 'PutImage'
        ? new Promise((resolve) => setTimeout(() => resolve(undefined), 100))
        : undefined
    )
    const tags = Array.from({ length: 50 }, (_, i) => `f${i}`)
    const run = await runDist(
      {
        repository: repository.name,
        'source-tag': 'staging',
        tags: tags.join(','),
        'put-image-rate': '1000'
      },
      emulator.env
    )
    expect(run.exitCode).toBe(0)
    for (const tag of tags) expect(repository.tags.get(tag)).toBe(image.digest)
    const puts = emulator.log.filter((entry) => entry.operation === 'PutImage')
    const overlap = Math.max(
      ...puts.map(
        (one) =>
          puts.filter(
            (other) =>
              other.startedAt <= one.startedAt && other.startedAt + other.durationMs > one.startedAt
          ).length
      )
    )
    expect(overlap).toBeGreaterThan(10)
  })
})
