// Amazon ECR Public's JSON API (target prefix SpencerFrontendService): its own registry, repository
// and tag calls here; PutImage, the layer calls, DescribeImages and BatchDeleteImage are ECR's own,
// run against the account's public registry. It has no BatchGetImage and no GetDownloadUrlForLayer:
// reads go through the registry endpoint (server.ts).
import { randomUUID } from 'node:crypto'
import type { Operation, OperationContext } from '../context.js'
import { ServiceError } from '../errors.js'
import { PUBLIC_PARTITION, type PublicRegistry, type Repository } from '../store.js'
import { checkRegistryId, checkRepositoryName, requireString } from '../validation.js'
import { batchDeleteImage, describeImages, putImage, targetRepository } from './images.js'
import {
  batchCheckLayerAvailability,
  completeLayerUpload,
  initiateLayerUpload,
  uploadLayerPart
} from './layers.js'
import { page, pageRequest } from './pages.js'

/** The public registry the request names (default: the caller's); it must exist. */
function registryOf(context: OperationContext): PublicRegistry {
  checkRegistryId(context.body.registryId)
  const registryId = (context.body.registryId as string | undefined) ?? context.account
  const registry = context.store.publicRegistries.get(registryId)
  if (!registry) {
    throw new ServiceError(
      'RegistryNotFoundException',
      `The registry with id '${registryId}' does not exist`
    )
  }
  return registry
}

function describeRepository(registry: PublicRegistry, repository: Repository) {
  return {
    repositoryArn: `arn:aws:ecr-public::${registry.registryId}:repository/${repository.name}`,
    registryId: registry.registryId,
    repositoryName: repository.name,
    repositoryUri: `public.ecr.aws/${registry.alias}/${repository.name}`,
    createdAt: repository.createdAt.getTime() / 1000
  }
}

/** ECR's own operation, on the public registry once it is known to exist. */
const inPublicRegistry =
  (operation: Operation): Operation =>
  (context) => {
    registryOf(context)
    return operation(context)
  }

const createRepository: Operation = (context) => {
  const registry = registryOf(context)
  const name = requireString(context.body, 'repositoryName')
  checkRepositoryName(name)
  const repository = context.store.create(registry.registryId, PUBLIC_PARTITION, name)
  return { repository: describeRepository(registry, repository), catalogData: {} }
}

const describeRepositories: Operation = (context) => {
  const registry = registryOf(context)
  const names = context.body.repositoryNames as string[] | undefined
  const repositories = names
    ? names.map((name) => context.store.repository(registry.registryId, PUBLIC_PARTITION, name))
    : context.store.list(registry.registryId, PUBLIC_PARTITION)
  return { repositories: repositories.map((r) => describeRepository(registry, r)) }
}

const describeRegistries: Operation = (context) => {
  const registry = context.store.publicRegistries.get(context.account)
  return {
    registries: registry
      ? [
          {
            registryId: registry.registryId,
            registryArn: `arn:aws:ecr-public::${registry.registryId}:registry/${registry.registryId}`,
            registryUri: `public.ecr.aws/${registry.alias}`,
            verified: false,
            aliases: [
              {
                name: registry.alias,
                status: 'ACTIVE',
                primaryRegistryAlias: true,
                defaultRegistryAlias: true
              }
            ]
          }
        ]
      : []
  }
}

/** A password for the registry's token endpoint, as `docker login public.ecr.aws` uses it. */
const getAuthorizationToken: Operation = (context) => {
  const password = randomUUID()
  context.store.publicPasswords.add(password)
  return {
    authorizationData: {
      authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
      expiresAt: Date.now() / 1000 + 12 * 3600
    }
  }
}

const describeImageTags: Operation = (context) => {
  registryOf(context)
  const repository = targetRepository(context)
  const { items, nextToken } = page(
    [...repository.tags],
    pageRequest(context.body, { max: 1000, fallback: 100 })
  )
  return {
    imageTagDetails: items.map(([tag, digest]) => {
      const image = repository.images.get(digest)!
      return {
        imageTag: tag,
        createdAt: image.pushedAt.getTime() / 1000,
        imageDetail: {
          imageDigest: digest,
          imageSizeInBytes: image.size,
          imagePushedAt: image.pushedAt.getTime() / 1000,
          imageManifestMediaType: image.mediaType,
          ...(image.artifactType && { artifactMediaType: image.artifactType })
        }
      }
    }),
    ...(nextToken && { nextToken })
  }
}

export const PUBLIC_OPERATIONS: Record<string, Operation> = {
  CreateRepository: createRepository,
  DescribeRepositories: describeRepositories,
  DescribeRegistries: describeRegistries,
  GetAuthorizationToken: getAuthorizationToken,
  DescribeImageTags: describeImageTags,
  DescribeImages: inPublicRegistry(describeImages),
  BatchDeleteImage: inPublicRegistry(batchDeleteImage),
  PutImage: inPublicRegistry(putImage),
  BatchCheckLayerAvailability: inPublicRegistry(batchCheckLayerAvailability),
  InitiateLayerUpload: inPublicRegistry(initiateLayerUpload),
  UploadLayerPart: inPublicRegistry(uploadLayerPart),
  CompleteLayerUpload: inPublicRegistry(completeLayerUpload)
}
