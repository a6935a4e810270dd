// PutImage and BatchGetImage with ECR's semantics: digests of exact bytes, digest pinning, tag
// immutability in all four modes, blob and child checks, media types; DescribeImages and deletes.
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  PutImageCommand,
  PutImageTagMutabilityCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  buildChart,
  buildImage,
  buildIndex,
  pushImage,
  startEmulator,
  type BuiltImage
} from '../index.js'
import { ACCOUNT, REGION, client, ecrError, sha256, useEmulator } from './helpers.js'

const context = useEmulator()
let ecr: ECRClient
let counter = 0

beforeAll(() => {
  ecr = client(context.emulator)
})

/** A repository holding the blobs of `images` (not their manifests), as after a docker push of layers. */
async function repositoryWithBlobs(
  images: BuiltImage[],
  tagMutability?: string,
  filters: string[] = []
) {
  const name = `images/repo${++counter}`
  await ecr.send(
    new CreateRepositoryCommand({
      repositoryName: name,
      ...(tagMutability && { imageTagMutability: tagMutability as 'MUTABLE' }),
      ...(filters.length > 0 && {
        imageTagMutabilityExclusionFilters: filters.map((filter) => ({
          filterType: 'WILDCARD' as const,
          filter
        }))
      })
    })
  )
  const repository = context.emulator.state.repository(ACCOUNT, REGION, name)
  for (const image of images)
    for (const blob of image.blobs)
      repository.blobs.set(blob.digest, {
        digest: blob.digest,
        size: blob.bytes.length,
        chunks: [blob.bytes]
      })
  return name
}

const image = (): BuiltImage => buildImage({ files: { 'bin/app': randomBytes(100) } })
const put = (
  repositoryName: string,
  built: BuiltImage,
  extra: { imageTag?: string; imageDigest?: string; imageManifestMediaType?: string } = {}
) => ecr.send(new PutImageCommand({ repositoryName, imageManifest: built.manifest, ...extra }))

describe('PutImage', () => {
  test('stores the exact bytes: the digest is their sha256, and whitespace makes another image', async () => {
    const built = image()
    const name = await repositoryWithBlobs([built])
    const answer = await put(name, built, { imageTag: 'one' })
    expect(answer.image).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      imageId: { imageDigest: sha256(built.manifest), imageTag: 'one' },
      imageManifest: built.manifest,
      imageManifestMediaType: built.mediaType
    })
    const spaced = await ecr.send(
      new PutImageCommand({
        repositoryName: name,
        imageManifest: `${built.manifest}\n`,
        imageTag: 'two'
      })
    )
    expect(spaced.image!.imageId!.imageDigest).toBe(sha256(`${built.manifest}\n`))
  })

  test('refuses a pinned digest that differs from the computed one', async () => {
    const built = image()
    const name = await repositoryWithBlobs([built])
    const error = await ecrError(() =>
      put(name, built, { imageTag: 'x', imageDigest: sha256('other') })
    )
    expect(error.name).toBe('ImageDigestDoesNotMatchException')
    expect(error.message).toContain(`does not match the calculated digest ${built.digest}`)
    await expect(
      put(name, built, { imageTag: 'x', imageDigest: built.digest })
    ).resolves.toBeDefined()
  })

  test('answers ImageAlreadyExists for the same manifest and tag, and for the same manifest without a tag', async () => {
    const built = image()
    const name = await repositoryWithBlobs([built])
    await put(name, built, { imageTag: 'same' })
    const again = await ecrError(() => put(name, built, { imageTag: 'same' }))
    expect(again.name).toBe('ImageAlreadyExistsException')
    expect(again.message).toBe(
      `Image with digest '${built.digest}' and tag 'same' already exists in the repository with name '${name}' in registry with id '${ACCOUNT}'`
    )
    expect((await ecrError(() => put(name, built))).name).toBe('ImageAlreadyExistsException')
  })

  test.each([
    ['IMMUTABLE', [], { locked: ['release', 'latest'], free: [] }],
    [
      'IMMUTABLE_WITH_EXCLUSION',
      ['latest', 'dev-*'],
      { locked: ['release'], free: ['latest', 'dev-1'] }
    ],
    ['MUTABLE_WITH_EXCLUSION', ['release*'], { locked: ['release'], free: ['latest', 'dev-1'] }],
    ['MUTABLE', [], { locked: [], free: ['release', 'latest'] }]
  ])(
    '%s with filters %j: moving a locked tag is ImageTagAlreadyExists, the rest move',
    async (mode, filters, { locked, free }) => {
      const [first, second] = [image(), image()]
      const name = await repositoryWithBlobs([first, second], mode, filters)
      for (const tag of [...locked, ...free]) await put(name, first, { imageTag: tag })
      for (const tag of locked) {
        const error = await ecrError(() => put(name, second, { imageTag: tag }))
        expect(error.name).toBe('ImageTagAlreadyExistsException')
        expect(error.message).toBe(
          `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`
        )
        expect(context.emulator.state.tagDigest(ACCOUNT, REGION, name, tag)).toBe(first.digest)
      }
      for (const tag of free) {
        await put(name, second, { imageTag: tag })
        expect(context.emulator.state.tagDigest(ACCOUNT, REGION, name, tag)).toBe(second.digest)
      }
    }
  )

  test('a locked tag already at the same digest answers as the lockedSameDigest option says', async () => {
    const built = image()
    const name = await repositoryWithBlobs([built], 'IMMUTABLE')
    await put(name, built, { imageTag: 'v1' })
    expect((await ecrError(() => put(name, built, { imageTag: 'v1' }))).name).toBe(
      'ImageAlreadyExistsException'
    )
    const other = await startEmulator({ lockedSameDigest: 'ImageTagAlreadyExistsException' })
    try {
      const repository = other.state.createRepository(ACCOUNT, REGION, 'locked', {
        tagMutability: 'IMMUTABLE'
      })
      pushImage(repository, built, other.state.settings, ['v1'])
      const error = await ecrError(() =>
        client(other).send(
          new PutImageCommand({
            repositoryName: 'locked',
            imageManifest: built.manifest,
            imageTag: 'v1'
          })
        )
      )
      expect(error.name).toBe('ImageTagAlreadyExistsException')
    } finally {
      await other.close()
    }
  })

  test('needs every config and layer blob in the repository', async () => {
    const built = image()
    const name = await repositoryWithBlobs([])
    const error = await ecrError(() => put(name, built, { imageTag: 'x' }))
    expect(error.name).toBe('LayersNotFoundException')
    for (const blob of built.blobs) expect(error.message).toContain(blob.digest)
  })

  test('needs every child of an index in the repository', async () => {
    const children = [image(), image()]
    const index = buildIndex(
      children.map((child, i) => ({
        ...child,
        platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' }
      }))
    )
    const name = await repositoryWithBlobs(children)
    await put(name, children[0]!)
    const error = await ecrError(() => put(name, index, { imageTag: 'multi' }))
    expect(error.name).toBe('ReferencedImagesNotFoundException')
    expect(error.message).toContain(children[1]!.digest)
    await put(name, children[1]!)
    await expect(put(name, index, { imageTag: 'multi' })).resolves.toBeDefined()
  })

  test('a manifest without mediaType needs imageManifestMediaType, and is stored with it', async () => {
    const chart = buildChart('app', '1.0.0')
    const name = await repositoryWithBlobs([chart])
    const error = await ecrError(() => put(name, chart, { imageTag: '1.0.0' }))
    expect(error.name).toBe('InvalidParameterException')
    expect(error.message).toBe(
      "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"
    )
    await put(name, chart, { imageTag: '1.0.0', imageManifestMediaType: chart.mediaType })
    const got = await ecr.send(
      new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageTag: '1.0.0' }] })
    )
    expect(got.images![0]).toMatchObject({
      imageManifest: chart.manifest,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json'
    })
  })

  test('refuses non-JSON, contradicting media types and a missing repository', async () => {
    const built = image()
    const name = await repositoryWithBlobs([built])
    const notJson = await ecrError(() =>
      ecr.send(
        new PutImageCommand({ repositoryName: name, imageManifest: 'not json', imageTag: 'x' })
      )
    )
    expect(notJson.name).toBe('InvalidParameterException')
    const contradiction = await ecrError(() =>
      put(name, built, {
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
      })
    )
    expect(contradiction.name).toBe('InvalidParameterException')
    const missing = await ecrError(() => put('images/none', built, { imageTag: 'x' }))
    expect(missing.name).toBe('RepositoryNotFoundException')
  })

  test("refuses an invalid tag with InvalidParameterException in ECR's words, storing nothing", async () => {
    const built = image()
    const name = await repositoryWithBlobs([built])
    const pattern =
      "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''"
    for (const imageTag of ['no spaces', 'v1/2', 'caf\u00e9']) {
      const error = await ecrError(() => put(name, built, { imageTag }))
      expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
        'InvalidParameterException',
        pattern,
        400
      ])
    }
    const long = await ecrError(() => put(name, built, { imageTag: 'a'.repeat(301) }))
    expect([long.name, long.message]).toEqual([
      'InvalidParameterException',
      "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must have length less than or equal to 300'"
    ])
    expect((await put(name, built, { imageTag: 'a'.repeat(300) })).image?.imageId?.imageTag).toBe(
      'a'.repeat(300)
    )
    expect(context.emulator.state.listTags(ACCOUNT, REGION, name)).toEqual({
      ['a'.repeat(300)]: built.digest
    })
    const described = await ecrError(() =>
      ecr.send(new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'a b' }] }))
    )
    expect([described.name, described.message]).toEqual(['InvalidParameterException', pattern])
  })
})

describe('BatchGetImage', () => {
  let name: string
  let built: BuiltImage
  beforeAll(async () => {
    built = image()
    name = await repositoryWithBlobs([built])
    await put(name, built, { imageTag: 'v1' })
  })

  test('finds by tag, by digest and by both, returning the exact manifest and its media type', async () => {
    const answer = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [
          { imageTag: 'v1' },
          { imageDigest: built.digest },
          { imageTag: 'v1', imageDigest: built.digest }
        ]
      })
    )
    expect(answer.failures).toEqual([])
    expect(answer.images!.map((found) => found.imageId)).toEqual([
      { imageTag: 'v1', imageDigest: built.digest },
      { imageDigest: built.digest },
      { imageTag: 'v1', imageDigest: built.digest }
    ])
    for (const found of answer.images!) {
      expect(found.imageManifest).toBe(built.manifest)
      expect(found.imageManifestMediaType).toBe(built.mediaType)
    }
  })

  test('reports failures with HTTP 200', async () => {
    const answer = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [
          { imageTag: 'absent' },
          {},
          { imageTag: 'bad tag' },
          { imageDigest: 'sha256:xyz' },
          { imageTag: 'v1', imageDigest: sha256('other') }
        ]
      })
    )
    expect(answer.$metadata.httpStatusCode).toBe(200)
    expect(answer.images).toEqual([])
    expect(answer.failures!.map((failure) => failure.failureCode)).toEqual([
      'ImageNotFound',
      'MissingDigestAndTag',
      'InvalidImageTag',
      'InvalidImageDigest',
      'ImageTagDoesNotMatchDigest'
    ])
    expect(answer.failures![0]).toMatchObject({
      imageId: { imageTag: 'absent' },
      failureReason: 'Requested image not found'
    })
  })

  test('respects acceptedMediaTypes, converting nothing', async () => {
    const accepted = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: [built.mediaType]
      })
    )
    expect(accepted.images).toHaveLength(1)
    const other = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: name,
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v1+json']
      })
    )
    expect(other.images).toEqual([])
    expect(other.failures![0]!.failureCode).toBe('ImageNotFound')
  })

  test('takes 1 to 100 ids, refusing others as ECR words it', async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ imageTag: `t${i}` }))
    const over = await ecrError(() =>
      ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: tooMany }))
    )
    expect([over.name, over.message]).toEqual([
      'InvalidParameterException',
      "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100'"
    ])
    const none = await ecrError(() =>
      ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [] }))
    )
    expect([none.name, none.message]).toEqual([
      'InvalidParameterException',
      "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'"
    ])
  })
})

describe('DescribeImages and BatchDeleteImage', () => {
  test('describe tags and sizes; deleting a tag keeps an image that has others; a child of an index stays', async () => {
    const children = [image(), image()]
    const index = buildIndex(
      children.map((child, i) => ({
        ...child,
        platform: { os: 'linux', architecture: `arch${i}` }
      }))
    )
    const name = await repositoryWithBlobs(children)
    for (const child of children) await put(name, child)
    await put(name, index, { imageTag: 'multi' })
    await put(name, children[0]!, { imageTag: 'a' })
    await put(name, children[0]!, { imageTag: 'b' })

    const described = await ecr.send(
      new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'a' }] })
    )
    expect(described.imageDetails![0]).toMatchObject({
      imageDigest: children[0]!.digest,
      imageTags: ['a', 'b'],
      imageManifestMediaType: children[0]!.mediaType
    })
    expect(described.imageDetails![0]!.imageSizeInBytes).toBe(
      Buffer.byteLength(children[0]!.manifest) +
        children[0]!.blobs.reduce((n: number, b: { bytes: Buffer }) => n + b.bytes.length, 0)
    )
    expect(
      (
        await ecrError(() =>
          ecr.send(
            new DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageTag: 'gone' }] })
          )
        )
      ).name
    ).toBe('ImageNotFoundException')

    const untagged = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: name, imageIds: [{ imageTag: 'a' }] })
    )
    expect(untagged.imageIds).toEqual([{ imageTag: 'a', imageDigest: children[0]!.digest }])
    expect(context.emulator.state.hasImage(ACCOUNT, REGION, name, children[0]!.digest)).toBe(true)

    const referenced = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: children[1]!.digest }]
      })
    )
    expect(referenced.failures![0]!.failureCode).toBe('ImageReferencedByManifestList')
    const indexGone = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: index.digest }]
      })
    )
    expect(indexGone.imageIds).toEqual([
      { imageTag: 'multi', imageDigest: index.digest },
      { imageDigest: index.digest }
    ])
    await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: children[1]!.digest }]
      })
    )
    expect(context.emulator.state.hasImage(ACCOUNT, REGION, name, children[1]!.digest)).toBe(false)
  })
})

describe('PutImageTagMutability', () => {
  test('switches modes and validates the exclusion filters', async () => {
    const name = await repositoryWithBlobs([])
    const answer = await ecr.send(
      new PutImageTagMutabilityCommand({
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }]
      })
    )
    expect(answer).toMatchObject({
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }]
    })
    const noFilters = await ecrError(() =>
      ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: name,
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION'
        })
      )
    )
    expect(noFilters.name).toBe('InvalidParameterException')
    const badFilter = await ecrError(() =>
      ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: name,
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'bad/filter' }]
        })
      )
    )
    expect(badFilter.name).toBe('InvalidParameterException')
    const tooMany = await ecrError(() =>
      ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: name,
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: ['a', 'b', 'c', 'd', 'e', 'f'].map((filter) => ({
            filterType: 'WILDCARD' as const,
            filter
          }))
        })
      )
    )
    expect(tooMany.name).toBe('InvalidParameterException')
    const mode = await ecrError(() =>
      ecr.send(
        new PutImageTagMutabilityCommand({
          repositoryName: name,
          imageTagMutability: 'SOMETIMES' as 'MUTABLE'
        })
      )
    )
    expect(mode.name).toBe('InvalidParameterException')
  })
})
