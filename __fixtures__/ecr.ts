// ECR at the HTTP level: nock answers the real SDK's requests, so every call is serialized and
// parsed exactly as in production, and tests can assert the wire traffic.
import nock from 'nock'

export const REGION = 'us-east-1'
export const ACCOUNT = '123456789012'
export const endpointFor = (region: string): string => `https://api.ecr.${region}.amazonaws.com`
const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'

export interface Reply {
  status: number
  body: unknown
}

export interface EcrCall {
  operation: string
  target: string
  contentType: string
  authorization: string
  body: Record<string, unknown>
}

export type Handler = (body: Record<string, unknown>, call: EcrCall) => Reply | Promise<Reply>

export const ok = (body: unknown = {}): Reply => ({ status: 200, body })
export const ecrError = (type: string, message = '', status = 400): Reply => ({
  status,
  body: { __type: type, message }
})

export interface InterceptedEcr {
  calls: EcrCall[]
  count(operation: string): number
  bodies(operation: string): Array<Record<string, unknown>>
}

/** A mutable repository of that name, as DescribeRepositories answers for most repositories. */
export const describeMutableRepository: Handler = (body) =>
  ok({
    repositories: ((body.repositoryNames as string[] | undefined) ?? []).map((name) => ({
      registryId: (body.registryId as string | undefined) ?? ACCOUNT,
      repositoryName: name,
      imageTagMutability: 'MUTABLE'
    }))
  })

/** DescribeImages by digest: the image is there with a few tags, far from ECR's limit. */
const describeImageWithFewTags: Handler = (body) => ({
  status: 200,
  body: {
    imageDetails: ((body.imageIds as Array<{ imageDigest?: string }> | undefined) ?? []).map(
      (id) => ({ imageDigest: id.imageDigest, imageTags: ['staging'] })
    )
  }
})

const defaults: Partial<Record<string, Handler>> = {
  DescribeRepositories: describeMutableRepository,
  DescribeImages: describeImageWithFewTags
}

/**
 * Answers ECR calls in `region` with `handlers`, by operation (DescribeRepositories answers a
 * mutable repository and DescribeImages an image with few tags, unless a handler says otherwise); an unhandled operation fails the test.
 */
export function interceptEcr(
  handlers: Partial<Record<string, Handler>>,
  region = REGION
): InterceptedEcr {
  const calls: EcrCall[] = []
  nock(endpointFor(region))
    .persist()
    .post('/')
    // nock 15 hands the reply function the WHATWG Request.
    .reply((async (request: Request) => {
      const target = request.headers.get('x-amz-target') ?? ''
      const operation = target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : target
      const text = await request.text()
      const call: EcrCall = {
        operation,
        target,
        contentType: request.headers.get('content-type') ?? '',
        authorization: request.headers.get('authorization') ?? '',
        body: JSON.parse(text || '{}') as Record<string, unknown>
      }
      calls.push(call)
      const handler = handlers[operation] ?? defaults[operation]
      const reply = handler
        ? await handler(call.body, call)
        : ecrError('UnknownOperationException', `no handler for ${operation}`)
      return [
        reply.status,
        JSON.stringify(reply.body),
        { 'content-type': 'application/x-amz-json-1.1' }
      ]
    }) as unknown as () => [number, string])
  return {
    calls,
    count: (operation) => calls.filter((call) => call.operation === operation).length,
    bodies: (operation) =>
      calls.filter((call) => call.operation === operation).map((call) => call.body)
  }
}

export interface StoredImage {
  manifest: string
  digest: string
  mediaType?: string
}

/**
 * A BatchGetImage handler over a fixed set of images and tags, answering `images` and `failures`
 * the way ECR does (failures with HTTP 200).
 */
export function batchGetImageFrom(
  images: StoredImage[],
  tags: Record<string, StoredImage>,
  registryId = ACCOUNT
): Handler {
  return (body) => {
    const found: unknown[] = []
    const failures: unknown[] = []
    for (const id of body.imageIds as Array<{ imageTag?: string; imageDigest?: string }>) {
      const byTag = id.imageTag !== undefined ? tags[id.imageTag] : undefined
      const byDigest =
        id.imageDigest !== undefined
          ? images.find((image) => image.digest === id.imageDigest)
          : undefined
      const image = id.imageTag !== undefined ? byTag : byDigest
      if (!image) {
        failures.push({
          imageId: id,
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found'
        })
      } else if (
        id.imageTag !== undefined &&
        id.imageDigest !== undefined &&
        image.digest !== id.imageDigest
      ) {
        failures.push({
          imageId: id,
          failureCode: 'ImageTagDoesNotMatchDigest',
          failureReason: 'Invalid image digest'
        })
      } else {
        found.push({
          registryId,
          repositoryName: body.repositoryName,
          imageId: { ...id, imageDigest: image.digest },
          imageManifest: image.manifest,
          ...(image.mediaType && { imageManifestMediaType: image.mediaType })
        })
      }
    }
    return ok({ images: found, failures })
  }
}

/** A PutImage handler that echoes the image as ECR does on success. */
export const putImageOk: Handler = (body) =>
  ok({
    image: {
      registryId: body.registryId ?? ACCOUNT,
      repositoryName: body.repositoryName,
      imageId: { imageDigest: body.imageDigest, imageTag: body.imageTag },
      imageManifest: body.imageManifest,
      imageManifestMediaType: body.imageManifestMediaType
    }
  })

/** Credentials and settings that keep the SDK off the network and away from local AWS config. */
export function useTestAwsEnvironment(): void {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLETEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true'
  })
  for (const name of [
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_ECR'
  ]) {
    delete process.env[name]
  }
}

/**
 * BatchGetImage and PutImage over one repository's tags, updated by each successful write, so a test
 * can run the action twice and see the second run converge. Only what these tests need of ECR.
 */
export function repositoryState(
  images: StoredImage[],
  tags: Record<string, StoredImage>,
  options: { immutable?: boolean } = {}
) {
  const handlers: Record<'BatchGetImage' | 'PutImage' | 'DescribeRepositories', Handler> = {
    DescribeRepositories: (body) =>
      ok({
        repositories: [
          {
            registryId: body.registryId ?? ACCOUNT,
            repositoryName: (body.repositoryNames as string[])[0],
            imageTagMutability: options.immutable ? 'IMMUTABLE' : 'MUTABLE'
          }
        ]
      }),
    BatchGetImage: (body, call) => batchGetImageFrom(images, tags)(body, call),
    PutImage: (body, call) => {
      const tag = body.imageTag as string
      const image = images.find((candidate) => candidate.digest === body.imageDigest)
      if (!image) return ecrError('ImageDigestDoesNotMatchException', 'digest mismatch')
      if (tags[tag]?.digest === image.digest)
        return ecrError(
          'ImageAlreadyExistsException',
          `Image with digest '${image.digest}' and tag '${tag}' already exists`
        )
      if (tags[tag] && options.immutable)
        return ecrError(
          'ImageTagAlreadyExistsException',
          `The image tag '${tag}' already exists and cannot be overwritten because the repository is immutable.`
        )
      tags[tag] = image
      return putImageOk(body, call)
    }
  }
  return { tags, handlers }
}
