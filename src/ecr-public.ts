// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (registry.ts) for manifest and blob reads, which its API does not offer. Loaded only when
// a public.ecr.aws repository is named.
import {
  BatchCheckLayerAvailabilityCommand,
  CompleteLayerUploadCommand,
  DescribeImageTagsCommand,
  DescribeImagesCommand,
  DescribeRegistriesCommand,
  ECRPUBLICClient,
  GetAuthorizationTokenCommand,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
  type ECRPUBLICClientConfig
} from '@aws-sdk/client-ecr-public'
import { caller, clientSettings, type EcrOptions } from './aws-call.js'
import type { EcrApi, FetchedImage, ImageFailure } from './ecr.js'
import { sharedWrites } from './ecr-writes.js'
import { EcrError } from './errors.js'
import type { RepositoryRef } from './inputs.js'
import { mapLimit } from './concurrency.js'
import { PUBLIC_REGION, describeWhere } from './references.js'
import { createRegistryReader } from './registry.js'

const READ_CONCURRENCY = 8

export function createPublicEcr(options: EcrOptions): EcrApi {
  const client = new ECRPUBLICClient(
    clientSettings(options, PUBLIC_REGION) as ECRPUBLICClientConfig
  )
  const call = caller(options.debug ?? (() => {}))
  const where = describeWhere
  // Registry ids of the caller's public registries, by alias; asked once.
  let registries: Promise<Map<string, string>> | undefined
  let authorization: Promise<string> | undefined

  const registry = createRegistryReader({
    ...(options.publicRegistryUrl && { url: options.publicRegistryUrl }),
    ...(options.maxAttempts !== undefined && { attempts: options.maxAttempts }),
    ...(options.retryDelay && { retryDelay: options.retryDelay }),
    ...(options.debug && { debug: options.debug }),
    basicAuth: () =>
      (authorization ??= call('GetAuthorizationToken (ECR Public)', () =>
        client.send(new GetAuthorizationTokenCommand({}))
      ).then((output) => {
        const token = output.authorizationData?.authorizationToken
        if (!token) throw new EcrError('MissingAuthorizationToken', 'ECR Public gave no token')
        return token
      }))
  })

  function registryId(repository: RepositoryRef): { registryId?: string } {
    return repository.registryId ? { registryId: repository.registryId } : {}
  }

  function notPublic(operation: string): never {
    throw new EcrError(
      'UnsupportedCommandException',
      `ECR Public has no ${operation}; this action does not call it for a public repository`
    )
  }

  return {
    ...sharedWrites(
      'ECR Public',
      call,
      (_repository, command) =>
        client.send(command as PutImageCommand) as Promise<{ $metadata: object }>,
      {
        PutImage: PutImageCommand,
        BatchCheckLayerAvailability: BatchCheckLayerAvailabilityCommand,
        InitiateLayerUpload: InitiateLayerUploadCommand,
        UploadLayerPart: UploadLayerPartCommand,
        CompleteLayerUpload: CompleteLayerUploadCommand
      }
    ),

    async getImages(repository, ids) {
      const images: FetchedImage[] = []
      const failures: ImageFailure[] = []
      await mapLimit(ids, READ_CONCURRENCY, async (id) => {
        // One reference per id: a tag, or a digest (the registry cannot check one against the other).
        const found = await registry.manifest(repository, id.digest ?? id.tag!)
        if (!found) {
          failures.push({ ...id, code: 'ImageNotFound', reason: 'Requested image not found' })
          return
        }
        images.push({
          registryId: repository.registryId ?? '',
          repositoryName: repository.name,
          ...found,
          ...(id.digest === undefined && { tag: id.tag })
        })
      })
      return { images, failures }
    },

    async presentImages(repository, digests) {
      const present = new Set<string>()
      await mapLimit(digests, READ_CONCURRENCY, async (digest) => {
        try {
          await call(`DescribeImages ${where(repository)} ${digest}`, () =>
            client.send(
              new DescribeImagesCommand({
                ...registryId(repository),
                repositoryName: repository.name,
                imageIds: [{ imageDigest: digest }]
              })
            )
          )
          present.add(digest)
        } catch (error) {
          if (!(error instanceof EcrError && error.code === 'ImageNotFoundException')) throw error
        }
      })
      return present
    },

    blobLocation: (repository, digest) => registry.blobLocation(repository, digest),

    listReferrers: () => notPublic('referrers listing'),

    async publicRegistryId(alias) {
      registries ??= (async () => {
        const byAlias = new Map<string, string>()
        let nextToken: string | undefined
        do {
          const output = await call('DescribeRegistries (ECR Public)', () =>
            client.send(new DescribeRegistriesCommand({ ...(nextToken && { nextToken }) }))
          )
          for (const entry of output.registries ?? []) {
            for (const name of entry.aliases ?? [])
              if (name.name && entry.registryId) byAlias.set(name.name, entry.registryId)
          }
          nextToken = output.nextToken
        } while (nextToken)
        return byAlias
      })()
      const byAlias = await registries
      const id = byAlias.get(alias)
      if (id === undefined) {
        const known = [...byAlias.keys()]
        throw new EcrError(
          'RegistryAliasNotFound',
          `public.ecr.aws/${alias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`
        )
      }
      return id
    },

    async publicTagDigests(repository, tags) {
      const wanted = new Set(tags)
      const digests = new Map<string, string | null>(tags.map((tag) => [tag, null]))
      let nextToken: string | undefined
      do {
        const output = await call(`DescribeImageTags ${where(repository)}`, () =>
          client.send(
            new DescribeImageTagsCommand({
              ...registryId(repository),
              repositoryName: repository.name,
              maxResults: 1000,
              ...(nextToken && { nextToken })
            })
          )
        )
        for (const detail of output.imageTagDetails ?? []) {
          const digest = detail.imageDetail?.imageDigest
          if (detail.imageTag && digest && wanted.has(detail.imageTag))
            digests.set(detail.imageTag, digest)
        }
        nextToken = output.nextToken
      } while (nextToken)
      return digests
    }
  }
}
