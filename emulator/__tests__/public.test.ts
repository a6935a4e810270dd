// ECR Public's face, through the real @aws-sdk/client-ecr-public and plain HTTP for the registry
// endpoint: its registry and repository calls, ECR's write semantics in the public registry, its own
// errors, and pulls with a token, as `docker pull public.ecr.aws/...` makes them.
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DescribeImageTagsCommand,
  DescribeRegistriesCommand,
  ECRPUBLICClient,
  GetAuthorizationTokenCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand
} from '@aws-sdk/client-ecr-public'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, buildIndex, pushImage } from '../index.js'
import { ACCOUNT, ecrError, useEmulator } from './helpers.js'

const context = useEmulator()
const ALIAS = 'acme'
let counter = 0

function publicClient(region = 'us-east-1', accessKeyId = 'AKIDTEST'): ECRPUBLICClient {
  return new ECRPUBLICClient({
    region,
    endpoint: context.emulator.url,
    credentials: { accessKeyId, secretAccessKey: 'test-secret' },
    maxAttempts: 1
  })
}

beforeAll(() => {
  context.emulator.state.createPublicRegistry(ACCOUNT, ALIAS)
})

async function createRepository(ecr: ECRPUBLICClient): Promise<string> {
  const name = `public/repo${++counter}`
  const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
  expect(created.repository).toMatchObject({
    registryId: ACCOUNT,
    repositoryName: name,
    repositoryUri: `public.ecr.aws/${ALIAS}/${name}`,
    repositoryArn: `arn:aws:ecr-public::${ACCOUNT}:repository/${name}`
  })
  return name
}

describe('the JSON API (SpencerFrontendService)', () => {
  test('DescribeRegistries names the alias; GetAuthorizationToken hands out a password', async () => {
    const ecr = publicClient()
    const { registries } = await ecr.send(new DescribeRegistriesCommand({}))
    expect(registries).toEqual([
      expect.objectContaining({
        registryId: ACCOUNT,
        registryUri: `public.ecr.aws/${ALIAS}`,
        aliases: [expect.objectContaining({ name: ALIAS, status: 'ACTIVE' })]
      })
    ])
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
    expect(Buffer.from(authorizationData!.authorizationToken!, 'base64').toString()).toMatch(
      /^AWS:/
    )
  })

  test('a push through the layer API, then PutImage with ECR’s own checks', async () => {
    const ecr = publicClient()
    const name = await createRepository(ecr)
    const image = buildImage({ files: { app: randomBytes(512) } })
    const put = (extra: object = {}) =>
      ecr.send(
        new PutImageCommand({
          repositoryName: name,
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType,
          imageDigest: image.digest,
          imageTag: 'v1',
          ...extra
        })
      )
    expect((await ecrError(() => put())).name).toBe('LayersNotFoundException')

    for (const blob of image.blobs) {
      const { uploadId } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName: name }))
      await ecr.send(
        new UploadLayerPartCommand({
          repositoryName: name,
          uploadId,
          partFirstByte: 0,
          partLastByte: blob.bytes.length - 1,
          layerPartBlob: blob.bytes
        })
      )
      await ecr.send(
        new CompleteLayerUploadCommand({
          repositoryName: name,
          uploadId,
          layerDigests: [blob.digest]
        })
      )
    }
    const { layers } = await ecr.send(
      new BatchCheckLayerAvailabilityCommand({
        repositoryName: name,
        layerDigests: image.blobs.map((blob) => blob.digest)
      })
    )
    expect(layers?.map((layer) => layer.layerAvailability)).toEqual(['AVAILABLE', 'AVAILABLE'])

    const wrongDigest = `sha256:${'0'.repeat(64)}`
    expect((await ecrError(() => put({ imageDigest: wrongDigest }))).name).toBe(
      'ImageDigestDoesNotMatchException'
    )
    expect((await put()).image?.imageId?.imageDigest).toBe(image.digest)
    expect((await ecrError(() => put())).name).toBe('ImageAlreadyExistsException')
  })

  test('DescribeImageTags pages through every tag with its digest', async () => {
    const ecr = publicClient()
    const name = await createRepository(ecr)
    const repository = context.emulator.state.repository(ACCOUNT, 'public', name)
    const image = buildImage({ files: { t: randomBytes(64) } })
    const tags = Array.from({ length: 5 }, (_, i) => `t${i}`)
    pushImage(repository, image, context.emulator.state.settings, tags)
    const seen: string[] = []
    let nextToken: string | undefined
    do {
      const page = await ecr.send(
        new DescribeImageTagsCommand({ repositoryName: name, maxResults: 2, nextToken })
      )
      expect(page.imageTagDetails!.length).toBeLessThanOrEqual(2)
      for (const detail of page.imageTagDetails!) {
        expect(detail.imageDetail?.imageDigest).toBe(image.digest)
        seen.push(detail.imageTag!)
      }
      nextToken = page.nextToken
    } while (nextToken)
    expect(seen).toEqual(tags)
  })

  test('RegistryNotFoundException without a public registry; UnsupportedCommandException outside us-east-1', async () => {
    const error = await ecrError(() =>
      publicClient().send(
        new DescribeImageTagsCommand({ registryId: '999999999999', repositoryName: 'x' })
      )
    )
    expect(error.name).toBe('RegistryNotFoundException')
    expect(error.$metadata.httpStatusCode).toBe(400)
    const elsewhere = await ecrError(() =>
      publicClient('eu-west-1').send(new DescribeRegistriesCommand({}))
    )
    expect(elsewhere.name).toBe('UnsupportedCommandException')
  })

  test('the public registry is apart from the private ones of the same account', async () => {
    const name = await createRepository(publicClient())
    expect(() => context.emulator.state.repository(ACCOUNT, 'us-east-1', name)).toThrow()
  })
})

describe('the registry endpoint', () => {
  const pull = async (path: string, basic?: string) => {
    const response = await fetch(
      `${context.emulator.url}/token/?service=public.ecr.aws&scope=repository:${path}:pull`,
      basic ? { headers: { authorization: `Basic ${basic}` } } : {}
    )
    return { status: response.status, token: ((await response.json()) as { token?: string }).token }
  }

  test('serves manifests by tag and digest, and blobs by redirect, to a bearer token', async () => {
    const name = await createRepository(publicClient())
    const repository = context.emulator.state.repository(ACCOUNT, 'public', name)
    const children = ['amd64', 'arm64'].map((architecture) => ({
      ...buildImage({ files: { a: randomBytes(128) }, platform: { os: 'linux', architecture } }),
      platform: { os: 'linux', architecture }
    }))
    for (const child of children) pushImage(repository, child, context.emulator.state.settings)
    const index = buildIndex(children)
    pushImage(repository, index, context.emulator.state.settings, ['latest'])
    const base = `${context.emulator.url}/v2/${ALIAS}/${name}`

    const anonymous = await fetch(`${base}/manifests/latest`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer realm=')

    const { token } = await pull(`${ALIAS}/${name}`)
    const headers = { authorization: `Bearer ${token}`, accept: index.mediaType }
    const byTag = await fetch(`${base}/manifests/latest`, { headers })
    expect(byTag.status).toBe(200)
    expect(byTag.headers.get('docker-content-digest')).toBe(index.digest)
    expect(byTag.headers.get('content-type')).toBe(index.mediaType)
    expect(await byTag.text()).toBe(index.manifest)

    const notAccepted = await fetch(`${base}/manifests/${index.digest}`, {
      headers: { ...headers, accept: 'application/vnd.docker.distribution.manifest.v2+json' }
    })
    expect(notAccepted.status).toBe(404)
    expect((await fetch(`${base}/manifests/nope`, { headers })).status).toBe(404)

    const blob = children[0]!.blobs[0]!
    const redirect = await fetch(`${base}/blobs/${blob.digest}`, { headers, redirect: 'manual' })
    expect(redirect.status).toBe(307)
    const followed = await fetch(`${base}/blobs/${blob.digest}`, { headers })
    expect(Buffer.from(await followed.arrayBuffer()).equals(blob.bytes)).toBe(true)

    // A token is for the repository it was asked for.
    const { token: other } = await pull(`${ALIAS}/elsewhere`)
    const refused = await fetch(`${base}/manifests/latest`, {
      headers: { authorization: `Bearer ${other}` }
    })
    expect(refused.status).toBe(401)
  })

  test('takes GetAuthorizationToken’s password, and refuses a made-up one', async () => {
    const { authorizationData } = await publicClient().send(new GetAuthorizationTokenCommand({}))
    expect(await pull(`${ALIAS}/x`, authorizationData!.authorizationToken!)).toMatchObject({
      status: 200
    })
    const forged = Buffer.from('AWS:not-a-password').toString('base64')
    expect((await pull(`${ALIAS}/x`, forged)).status).toBe(401)
  })
})
