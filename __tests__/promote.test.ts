// The whole action, in-process, against ECR answered by nock: the real SDK serializes and parses
// every call, and the Actions contract is read back from its files.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import nock from 'nock'
import { runAction } from '../__fixtures__/run-action.js'
import {
  ACCOUNT,
  batchGetImageFrom,
  ecrError,
  interceptEcr,
  ok,
  putImageOk,
  repositoryState,
  useTestAwsEnvironment
} from '../__fixtures__/ecr.js'
import { helloWorld, helmChart, ociIndex, otherImage } from '../__fixtures__/manifests.js'

const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`
const ACCEPTED = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v1+json'
]
const base = { repository: 'hello-world', 'source-tag': 'staging', region: 'us-east-1' }

beforeAll(() => {
  useTestAwsEnvironment()
  nock.disableNetConnect()
})
afterEach(() => nock.cleanAll())
afterAll(() => nock.restore())

describe('a promotion', () => {
  test('reads once, writes each changed tag pinned to the digest with the exact manifest, and reports', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], {
        staging: helloWorld,
        prod: otherImage,
        same: helloWorld
      }),
      PutImage: putImageOk
    })
    const run = await runAction({ ...base, tags: 'prod, v1.0\nsame' })

    expect(run.exitCode).toBe(0)
    // The repository's tag mutability and lifecycle policy, and the registry's signing
    // configuration, are read beside the images: no extra round trip.
    expect(ecr.calls.map((call) => call.target).sort()).toEqual([
      'AmazonEC2ContainerRegistry_V20150921.BatchGetImage',
      'AmazonEC2ContainerRegistry_V20150921.DescribeImages',
      'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories',
      'AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy',
      'AmazonEC2ContainerRegistry_V20150921.GetSigningConfiguration',
      'AmazonEC2ContainerRegistry_V20150921.PutImage',
      'AmazonEC2ContainerRegistry_V20150921.PutImage'
    ])
    for (const call of ecr.calls) {
      expect(call.contentType).toBe('application/x-amz-json-1.1')
      expect(call.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST\/\d{8}\/us-east-1\/ecr\/aws4_request/
      )
    }
    expect(ecr.bodies('BatchGetImage')).toEqual([
      {
        repositoryName: 'hello-world',
        imageIds: [
          { imageTag: 'staging' },
          { imageTag: 'prod' },
          { imageTag: 'v1.0' },
          { imageTag: 'same' }
        ],
        acceptedMediaTypes: ACCEPTED
      }
    ])
    const puts = ecr.bodies('PutImage')
    expect(puts.map((body) => body.imageTag).sort()).toEqual(['prod', 'v1.0'])
    for (const body of puts) {
      expect(body).toEqual({
        registryId: ACCOUNT,
        repositoryName: 'hello-world',
        imageManifest: helloWorld.manifest,
        imageManifestMediaType: helloWorld.mediaType,
        imageDigest: 'sha256:8ece96b74f87652876199d83bd107d0435a196133af383ac54cb82b6cc5283ae',
        imageTag: body.imageTag
      })
    }

    expect(run.outputs).toMatchObject({
      digest: helloWorld.digest,
      'media-type': helloWorld.mediaType,
      image: `${HOST}/hello-world@${helloWorld.digest}`,
      images: [
        `${HOST}/hello-world:prod`,
        `${HOST}/hello-world:v1.0`,
        `${HOST}/hello-world:same`
      ].join('\n'),
      changed: 'true'
    })
    expect(run.result).toEqual({
      name: 'hello-world:staging',
      status: 'promoted',
      digest: helloWorld.digest,
      mediaType: helloWorld.mediaType,
      repository: 'hello-world',
      registryId: ACCOUNT,
      region: 'us-east-1',
      image: `${HOST}/hello-world@${helloWorld.digest}`,
      dryRun: false,
      changed: true,
      tags: [
        { tag: 'prod', status: 'moved', previousDigest: otherImage.digest },
        { tag: 'v1.0', status: 'created', previousDigest: null },
        { tag: 'same', status: 'unchanged', previousDigest: helloWorld.digest }
      ],
      provenance: {}
    })
    const short = (digest: string): string => `<code>${digest.slice(0, 19)}</code>`
    expect(run.summary).toContain(
      '<h3>✅ Promoted hello-world:staging to 2 of 3 tags (the rest already in place)</h3>'
    )
    expect(run.summary).toContain(
      `<tr><td><code>prod</code></td><td>✅ moved</td><td>${short(otherImage.digest)}</td><td>${short(helloWorld.digest)}</td></tr>`
    )
    expect(run.summary).toContain(
      `<tr><td><code>v1.0</code></td><td>✅ created</td><td>—</td><td>${short(helloWorld.digest)}</td></tr>`
    )
    expect(run.summary).toContain(`<code>${helloWorld.digest}</code>`)
    expect(run.stdout).toContain('::group::Resolve hello-world')
    expect(run.stdout).toContain('::group::Plan: 2 tags to write of 3')
    expect(run.stdout).toContain('::group::Apply: 2 write(s)')
    expect(run.stdout).toMatch(
      /::debug::PutImage 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/hello-world tag prod: ok in \d+ ms, 1 attempt\(s\)/
    )
  })

  test('a rerun with nothing to change reads once and writes nothing', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld, prod: helloWorld })
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(0)
    expect(ecr.count('BatchGetImage')).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.outputs.changed).toBe('false')
    expect(run.result?.tags).toEqual([
      { tag: 'prod', status: 'unchanged', previousDigest: helloWorld.digest }
    ])
  })

  test('promotes by digest, and by tag and digest together when they agree', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: putImageOk
    })
    const byDigest = await runAction({
      ...base,
      'source-tag': '',
      'source-digest': helloWorld.digest,
      tags: 'prod'
    })
    expect(byDigest.exitCode).toBe(0)
    expect(ecr.bodies('BatchGetImage')[0]!.imageIds).toEqual([
      { imageDigest: helloWorld.digest },
      { imageTag: 'prod' }
    ])
    const both = await runAction({ ...base, 'source-digest': helloWorld.digest, tags: 'prod' })
    expect(both.exitCode).toBe(0)
    expect(ecr.bodies('BatchGetImage')[1]!.imageIds).toEqual([
      { imageTag: 'staging' },
      { imageDigest: helloWorld.digest },
      { imageTag: 'prod' }
    ])
  })

  test('a full repository URI sends its registry id on every call', async () => {
    const ecr = interceptEcr(
      {
        BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
        PutImage: putImageOk
      },
      'eu-west-1'
    )
    const run = await runAction({
      ...base,
      region: '',
      repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/hello-world`,
      tags: 'prod'
    })
    expect(run.exitCode).toBe(0)
    expect(ecr.calls.map((call) => call.body.registryId)).toEqual([
      ACCOUNT,
      ACCOUNT,
      ACCOUNT,
      ACCOUNT,
      ACCOUNT
    ])
    expect(ecr.calls[0]!.authorization).toContain('/eu-west-1/ecr/aws4_request')
    expect(run.outputs.image).toBe(
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/hello-world@${helloWorld.digest}`
    )
  })

  test('accepts the full references docker/metadata-action outputs', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: putImageOk
    })
    const run = await runAction({
      ...base,
      tags: `${HOST}/hello-world:1.2.3\n${HOST}/hello-world:1.2\n${HOST}/hello-world:latest\n`
    })
    expect(run.exitCode).toBe(0)
    expect(
      ecr
        .bodies('PutImage')
        .map((body) => body.imageTag)
        .sort()
    ).toEqual(['1.2', '1.2.3', 'latest'])
    expect(ecr.bodies('PutImage').every((body) => body.registryId === ACCOUNT)).toBe(true)
    expect(run.outputs.images).toBe(
      [`${HOST}/hello-world:1.2.3`, `${HOST}/hello-world:1.2`, `${HOST}/hello-world:latest`].join(
        '\n'
      )
    )
  })

  test('passes the media type ECR reported for a manifest without one (Helm charts, OCI artifacts)', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helmChart], { staging: helmChart }),
      PutImage: putImageOk
    })
    const run = await runAction({ ...base, repository: 'charts/app', tags: '0.1.0' })
    expect(run.exitCode).toBe(0)
    expect(ecr.bodies('PutImage')[0]).toMatchObject({
      imageManifest: helmChart.manifest,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageDigest: helmChart.digest
    })
    expect(run.outputs['media-type']).toBe('application/vnd.oci.image.manifest.v1+json')
  })

  test('keeps a multi-platform index byte for byte, odd whitespace and CRLF included', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([ociIndex], { staging: ociIndex }),
      PutImage: putImageOk
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(0)
    expect(ecr.bodies('PutImage')[0]).toMatchObject({
      imageManifest: ociIndex.manifest,
      imageManifestMediaType: ociIndex.mediaType,
      imageDigest: ociIndex.digest
    })
    expect(run.stdout).toContain('(index, ')
  })

  test('reads past 100 ids in batches of 100', async () => {
    const tags = Array.from({ length: 150 }, (_, i) => `t${i}`)
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: putImageOk
    })
    // An account whose PutImage quota was raised: the run is paced at that rate, not ECR's default.
    const run = await runAction({ ...base, tags: tags.join(','), 'put-image-rate': '1000' })
    expect(run.exitCode).toBe(0)
    expect(
      ecr
        .bodies('BatchGetImage')
        .map((body) => (body.imageIds as unknown[]).length)
        .sort()
    ).toEqual([100, 51])
    expect(ecr.count('PutImage')).toBe(150)
  })
})

describe('dry-run', () => {
  test('resolves and plans, prints the plan, and writes nothing', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], {
        staging: helloWorld,
        prod: otherImage,
        same: helloWorld
      })
    })
    const run = await runAction({ ...base, tags: 'prod,new,same', 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.result?.tags.map((tag) => tag.status)).toEqual([
      'would-move',
      'would-create',
      'unchanged'
    ])
    expect(run.result?.dryRun).toBe(true)
    expect(run.outputs.changed).toBe('false')
    expect(run.stdout).toContain(`prod: move ${otherImage.digest} -> ${helloWorld.digest}`)
    expect(run.stdout).toContain('Dry run: nothing was written.')
    expect(run.summary).toContain(
      '<h3>🔍 Dry run: hello-world:staging would be promoted; nothing was written</h3>'
    )
  })
})

describe('protect-tags', () => {
  test('a protected tag at another digest fails the run before any write', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], {
        staging: helloWorld,
        'v1.0': otherImage
      })
    })
    const run = await runAction({ ...base, tags: 'prod,v1.0', 'protect-tags': 'v*' })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.result?.tags).toEqual([
      {
        tag: 'prod',
        status: 'skipped',
        previousDigest: null,
        message: 'Not written: the promotion was refused before any write.'
      },
      {
        tag: 'v1.0',
        status: 'refused',
        previousDigest: otherImage.digest,
        message: `Tag "v1.0" is protected by pattern "v*" and points at ${otherImage.digest}; it must never move.`
      }
    ])
    // One problem, one annotation: it names the tag, and says what to do.
    expect(run.stdout.match(/^::error.*$/gm)).toEqual([
      `::error title=Protected tag%3A v1.0::Tag "v1.0" is protected by pattern "v*" and points at ${otherImage.digest}; it must never move. Nothing was written. To go ahead, leave protected tags out or move them by hand, then run again.`
    ])
    expect(run.stdout).not.toContain('::group::Apply')
    expect(run.stdout).toContain('::group::Plan: refused before any write, 1 problem')
  })

  test('a protected tag already at this digest, or not yet existing, is fine', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld, 'v1.0': helloWorld }),
      PutImage: putImageOk
    })
    const run = await runAction({ ...base, tags: 'v1.0,v1.1', 'protect-tags': '*' })
    expect(run.exitCode).toBe(0)
    expect(ecr.bodies('PutImage').map((body) => body.imageTag)).toEqual(['v1.1'])
  })

  test('dry-run reports the refusal too, and fails', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], {
        staging: helloWorld,
        prod: otherImage
      })
    })
    const run = await runAction({
      ...base,
      tags: 'prod',
      'protect-tags': 'prod',
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.result?.tags[0]?.status).toBe('refused')
  })
})

describe('guards that stop the run before any write', () => {
  test('expected-digest must match', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld })
    })
    const run = await runAction({ ...base, tags: 'prod', 'expected-digest': otherImage.digest })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.stdout).toContain(
      `::error title=Expected digest::expected-digest guard: hello-world:staging resolves to ${helloWorld.digest}, not ${otherImage.digest}. Nothing was written. To go ahead, promote the image the guard expects, or change the guard, then run again.`
    )
  })

  test('source-tag and source-digest must name the same image', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], { staging: helloWorld })
    })
    const run = await runAction({ ...base, 'source-digest': otherImage.digest, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.stdout).toContain(
      `::error title=Source tag and digest disagree::The source tag "staging" points at ${helloWorld.digest}, but the source digest is ${otherImage.digest}.`
    )
  })

  test('a missing source names the tag or digest and the repository', async () => {
    interceptEcr({ BatchGetImage: batchGetImageFrom([], {}) })
    const byTag = await runAction({ ...base, tags: 'prod' })
    expect(byTag.exitCode).toBe(1)
    expect(byTag.stdout).toContain(
      '::error title=Source image not found::There is no image with tag "staging" in repository hello-world (your account\'s registry, us-east-1).'
    )
    const byDigest = await runAction({
      ...base,
      'source-tag': '',
      'source-digest': helloWorld.digest,
      'registry-id': ACCOUNT,
      tags: 'prod'
    })
    expect(byDigest.stdout).toContain(
      `there is no image with digest ${helloWorld.digest} in repository ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/hello-world.`
    )
  })

  test('manifest bytes that do not hash to the reported digest', async () => {
    const tampered = { ...helloWorld, manifest: helloWorld.manifest.trimEnd() }
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([tampered], { staging: tampered })
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.stdout).toMatch(
      /::error title=Not resolved::The manifest ECR returned for source image sha256:8ece\w+ hashes to sha256:\w+, not to the digest ECR reported/
    )
  })

  test('a target tag whose state cannot be read', async () => {
    const ecr = interceptEcr({
      BatchGetImage: () =>
        ok({
          images: [
            {
              registryId: ACCOUNT,
              repositoryName: 'hello-world',
              imageId: { imageTag: 'staging', imageDigest: helloWorld.digest },
              imageManifest: helloWorld.manifest
            }
          ],
          failures: [
            {
              imageId: { imageTag: 'prod' },
              failureCode: 'KmsError',
              failureReason: 'KMS key disabled'
            }
          ]
        })
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.stdout).toContain(
      '::error title=Not resolved::Cannot read the current state of tag "prod" in repository hello-world (your account\'s registry, us-east-1): KmsError (KMS key disabled). Nothing was written.'
    )
    // The next step does not say again what the message said.
    expect(run.stdout).not.toMatch(/Nothing was written\. Nothing was written/i)
  })

  test.each([
    [
      'RepositoryNotFoundException',
      'Source repository not found',
      'the repository does not exist there. Check repository, registry-id and region.'
    ],
    ['AccessDeniedException', 'Not resolved', 'access denied. The role needs ecr:BatchGetImage'],
    [
      'UnrecognizedClientException',
      'Not resolved',
      'AWS rejected the credentials (UnrecognizedClientException)'
    ]
  ])('a read answered %s says what to do', async (type, title, message) => {
    interceptEcr({ BatchGetImage: () => ecrError(type, 'no') })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      `::error title=${title}::Cannot read repository hello-world (your account's registry, us-east-1): ${message}`
    )
  })

  test('bad input fails with one error naming the input, and makes no AWS call at all', async () => {
    const ecr = interceptEcr({})
    const run = await runAction({ ...base, tags: 'prod,bad tag' })
    expect(run.exitCode).toBe(1)
    expect(ecr.calls).toHaveLength(0)
    expect(run.stdout).toBe(
      '::error::Input "tags": "bad tag" is not a valid tag; ECR tags are 1 to 300 characters of letters, digits, "_", "." and "-"\n'
    )
    // Every output is set all the same, saying nothing happened, and why.
    expect(run.outputs).toMatchObject({ changed: 'false', images: '', digest: '' })
    expect(JSON.parse(run.outputs.result!)).toMatchObject({
      status: 'input-error',
      input: 'tags',
      changed: false
    })
    expect(run.summary).toContain('<h3>⚠️ Input error: nothing was done</h3>')
  })

  test('warns about tags Docker cannot pull, and still promotes them', async () => {
    interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: putImageOk
    })
    const run = await runAction({ ...base, tags: '-weird' })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      '::warning::tag "-weird" starts with "-": ECR accepts it, but Docker clients cannot pull it'
    )
  })
})

describe('answers that differ from the plan', () => {
  test('immutable repository: a tag at another digest is a planned conflict, and nothing is written', async () => {
    const state = repositoryState(
      [helloWorld, otherImage],
      { staging: helloWorld, prod: otherImage },
      { immutable: true }
    )
    const ecr = interceptEcr(state.handlers)
    const run = await runAction({ ...base, tags: 'prod,v2' })
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(0)
    expect(run.result?.status).toBe('refused')
    expect(run.result?.tags).toEqual([
      {
        tag: 'prod',
        status: 'conflict',
        previousDigest: otherImage.digest,
        message: `Tag "prod" points at ${otherImage.digest}, not at ${helloWorld.digest}, and cannot move: the repository is IMMUTABLE. Promote under a new tag, or change the repository's tag mutability.`,
        retryable: false
      },
      {
        tag: 'v2',
        status: 'skipped',
        previousDigest: null,
        message: 'Not written: the promotion was refused before any write.'
      }
    ])
    expect(run.stdout).toContain('::error title=Tag conflict%3A prod::Tag "prod" points at')
    expect(run.summary).toContain(
      '<h3>⛔ Refused: nothing was written for hello-world:staging</h3>'
    )
  })

  test('where DescribeRepositories is denied, an immutable tag is found when written, with a warning', async () => {
    const state = repositoryState(
      [helloWorld, otherImage],
      { staging: helloWorld, prod: otherImage },
      { immutable: true }
    )
    const ecr = interceptEcr({
      ...state.handlers,
      DescribeRepositories: () => ecrError('AccessDeniedException', 'not authorized')
    })
    const run = await runAction({ ...base, tags: 'prod,v2' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::warning::ecr:DescribeRepositories is denied on hello-world')
    expect(ecr.bodies('BatchGetImage')[1]).toMatchObject({
      registryId: ACCOUNT,
      imageIds: [{ imageTag: 'prod' }]
    })
    const conflict = `Tag "prod" is immutable in "hello-world" and points at ${otherImage.digest}, not at ${helloWorld.digest}; it was left as it is.`
    expect(run.result?.tags).toEqual([
      {
        tag: 'prod',
        status: 'conflict',
        previousDigest: otherImage.digest,
        message: expect.stringContaining(conflict),
        retryable: false
      },
      { tag: 'v2', status: 'created', previousDigest: null }
    ])
    expect(run.stdout).toContain(`::error title=Tag conflict%3A prod::${conflict}`)
    expect(run.summary).toContain('<h3>❌ Failed: 1 of 2 tags of hello-world:staging in place</h3>')
  })

  test('immutable repository: ImageTagAlreadyExists for a tag already at this digest is unchanged', async () => {
    // The read saw no tag, but by the write another run had created it at the same digest.
    const tags: Record<string, typeof helloWorld> = { staging: helloWorld }
    const ecr = interceptEcr({
      BatchGetImage: (body, call) => batchGetImageFrom([helloWorld], tags)(body, call),
      PutImage: () => {
        tags.prod = helloWorld
        return ecrError('ImageTagAlreadyExistsException', 'The image tag already exists')
      }
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(0)
    expect(ecr.count('BatchGetImage')).toBe(2)
    expect(run.result?.tags).toEqual([{ tag: 'prod', status: 'unchanged', previousDigest: null }])
  })

  test('ImageAlreadyExists is success only once a read shows the tag at the digest', async () => {
    const tags: Record<string, typeof helloWorld> = { staging: helloWorld }
    interceptEcr({
      BatchGetImage: (body, call) => batchGetImageFrom([helloWorld, otherImage], tags)(body, call),
      PutImage: (body) => {
        if (body.imageTag === 'real') tags.real = helloWorld
        return ecrError('ImageAlreadyExistsException', 'Image already exists')
      }
    })
    const run = await runAction({ ...base, tags: 'real,liar' })
    expect(run.exitCode).toBe(1)
    expect(run.result?.tags).toEqual([
      { tag: 'real', status: 'unchanged', previousDigest: null },
      {
        tag: 'liar',
        status: 'failed',
        previousDigest: null,
        message: `ECR answered ImageAlreadyExistsException for tag "liar", but the tag now points at nothing, not at ${helloWorld.digest}. Another writer may be moving it; rerun to converge.`
      }
    ])
  })

  test('a success that reports another digest is checked, and not believed', async () => {
    interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld, otherImage], {
        staging: helloWorld,
        prod: otherImage
      }),
      PutImage: (body, call) => putImageOk({ ...body, imageDigest: otherImage.digest }, call)
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(run.result?.tags[0]).toMatchObject({ tag: 'prod', status: 'failed' })
    expect(run.result?.tags[0]?.message).toContain(
      `ECR answered a success for tag "prod", but the tag now points at ${otherImage.digest}`
    )
  })
})

describe('errors on write', () => {
  test.each([
    ['LayersNotFoundException', 'some config or layer blobs of'],
    [
      'ReferencedImagesNotFoundException',
      'refers to child manifests that are not in this repository'
    ],
    ['ImageDigestDoesNotMatchException', 'ECR computed a different digest than'],
    ['KmsException', "the repository's KMS key refused the request"],
    ['RepositoryNotFoundException', 'the repository does not exist in this registry and region'],
    ['InvalidParameterException', 'was rejected as invalid. ECR said: bad'],
    ['AccessDeniedException', 'The role needs ecr:PutImage']
  ])('%s says what happened and what to do', async (type, message) => {
    interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: () => ecrError(type, 'bad')
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(1)
    expect(run.result?.tags[0]?.status).toBe('failed')
    expect(run.result?.tags[0]?.message).toContain(message)
    expect(run.stdout).toContain(`::PutImage for tag "prod" in "hello-world"`)
  })

  test('LimitExceededException (the tag limit) is not retried, and says what to do', async () => {
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: () => ecrError('LimitExceededException', 'bad')
    })
    const run = await runAction(
      { ...base, tags: 'prod' },
      {},
      { registry: { retryDelay: () => 0 } }
    )
    expect(run.exitCode).toBe(1)
    expect(ecr.count('PutImage')).toBe(1)
    expect(run.result?.tags[0]?.message).toContain('an ECR limit was reached')
  })

  test('partial failure: done tags are listed, later writes are not started, and a rerun converges', async () => {
    const state = repositoryState([helloWorld], { staging: helloWorld })
    let failing = true
    const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`)
    interceptEcr({
      BatchGetImage: state.handlers.BatchGetImage,
      PutImage: async (body, call) => {
        if (failing && body.imageTag === 't00')
          return ecrError('LayersNotFoundException', 'The layer does not exist')
        await new Promise((resolve) => setTimeout(resolve, 30))
        return state.handlers.PutImage(body, call)
      }
    })
    const first = await runAction({ ...base, tags: tags.join(',') })
    expect(first.exitCode).toBe(1)
    const statuses = Object.fromEntries(first.result!.tags.map((tag) => [tag.tag, tag.status]))
    expect(statuses).toEqual({
      t00: 'failed',
      ...Object.fromEntries(tags.slice(1, 10).map((tag) => [tag, 'created'])),
      t10: 'skipped',
      t11: 'skipped'
    })
    expect(Object.keys(state.tags).sort()).toEqual(['staging', ...tags.slice(1, 10)])
    expect(first.stdout).toContain(
      `are not in this repository. Push the image to this repository first, or promote from the repository that holds its layers. ECR said: The layer does not exist. Tags already done stay done; what failed needs a change`
    )
    expect(first.summary).toContain(
      '<h3>❌ Failed: 9 of 12 tags of hello-world:staging in place</h3>'
    )
    expect(first.summary).toContain(
      '<tr><td><code>t10</code></td><td>⏭️ skipped</td><td>—</td><td>—</td></tr>'
    )

    failing = false
    const rerun = await runAction({ ...base, tags: tags.join(',') })
    expect(rerun.exitCode).toBe(0)
    expect(
      rerun.result!.tags.filter((tag) => tag.status === 'created').map((tag) => tag.tag)
    ).toEqual(['t00', 't10', 't11'])
    expect(rerun.result!.tags.filter((tag) => tag.status === 'unchanged')).toHaveLength(9)
  })
})

describe('retries', () => {
  test.each([
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['ServerException', 500],
    ['ServiceUnavailable', 503]
  ])('rides out %s (HTTP %i) with the SDK retry strategy', async (type, status) => {
    let answered = 0
    const ecr = interceptEcr({
      BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
      PutImage: (body, call) =>
        answered++ === 0 ? ecrError(type, 'Rate exceeded', status) : putImageOk(body, call)
    })
    const run = await runAction({ ...base, tags: 'prod' })
    expect(run.exitCode).toBe(0)
    expect(ecr.count('PutImage')).toBe(2)
    expect(run.result?.tags[0]?.status).toBe('created')
    expect(run.stdout).toMatch(/::debug::PutImage .* tag prod: ok in \d+ ms, 2 attempt\(s\)/)
  })
})

describe('secrets', () => {
  test('credentials never reach the log, outputs or summary', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, {
      AWS_SECRET_ACCESS_KEY: 'CANARY-SECRET-1234567890',
      AWS_SESSION_TOKEN: 'CANARY-TOKEN-0987654321'
    })
    try {
      interceptEcr({
        BatchGetImage: batchGetImageFrom([helloWorld], { staging: helloWorld }),
        PutImage: () => ecrError('AccessDeniedException', 'denied')
      })
      const run = await runAction({ ...base, tags: 'prod' }, { RUNNER_DEBUG: '1' })
      const everything = run.stdout + JSON.stringify(run.outputs) + run.summary
      expect(run.exitCode).toBe(1)
      expect(everything).not.toContain('CANARY')
    } finally {
      process.env = saved
    }
  })
})
