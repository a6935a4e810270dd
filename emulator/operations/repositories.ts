import type { Operation, OperationContext } from '../context.js'
import { ServiceError, invalidMember, invalidParameter } from '../errors.js'
import {
  TAG_MUTABILITIES,
  repositoryArn,
  repositoryUri,
  type Repository,
  type TagMutability
} from '../store.js'
import {
  WILDCARD_FILTER,
  checkCount,
  checkEnum,
  checkRegistryId,
  checkRepositoryName,
  requireString
} from '../validation.js'

function describe(repository: Repository) {
  return {
    repositoryArn: repositoryArn(repository),
    registryId: repository.registryId,
    repositoryName: repository.name,
    repositoryUri: repositoryUri(repository),
    createdAt: repository.createdAt.getTime() / 1000,
    imageTagMutability: repository.tagMutability,
    ...(repository.exclusionFilters.length > 0 && {
      imageTagMutabilityExclusionFilters: repository.exclusionFilters.map((filter) => ({
        filterType: 'WILDCARD',
        filter
      }))
    }),
    imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
    encryptionConfiguration: repository.encryption
  }
}

const ENCRYPTION_TYPES = ['AES256', 'KMS', 'KMS_DSSE'] as const

/** The encryption CreateRepository asks for, checked as ECR checks it: AES256 unless given. */
function encryption(body: Record<string, unknown>): Repository['encryption'] {
  const given = body.encryptionConfiguration as
    { encryptionType?: unknown; kmsKey?: unknown } | undefined
  if (given === undefined) return { encryptionType: 'AES256' }
  const type = given.encryptionType ?? ''
  checkEnum('encryptionConfiguration.encryptionType', type, ENCRYPTION_TYPES)
  if (type === 'AES256' && given.kmsKey !== undefined)
    throw invalidParameter('Invalid parameter: a KMS key can only be given with KMS encryption')
  return {
    encryptionType: type as Repository['encryption']['encryptionType'],
    ...(typeof given.kmsKey === 'string' && { kmsKey: given.kmsKey })
  }
}

/** Mutability and its exclusion filters, checked as ECR checks them. */
function mutability(
  body: Record<string, unknown>,
  fallback: TagMutability
): { tagMutability: TagMutability; exclusionFilters: string[] } {
  const tagMutability = (body.imageTagMutability ?? fallback) as TagMutability
  checkEnum('imageTagMutability', tagMutability, TAG_MUTABILITIES)
  const raw = body.imageTagMutabilityExclusionFilters as
    Array<{ filterType?: unknown; filter?: unknown }> | undefined
  const withExclusion = tagMutability.endsWith('_WITH_EXCLUSION')
  if (withExclusion && (!Array.isArray(raw) || raw.length === 0)) {
    throw invalidParameter(
      `Invalid parameter: imageTagMutabilityExclusionFilters are required when imageTagMutability is ${tagMutability}`
    )
  }
  if (!withExclusion && Array.isArray(raw) && raw.length > 0) {
    throw invalidParameter(
      `Invalid parameter: imageTagMutabilityExclusionFilters can only be used with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION`
    )
  }
  const filters = raw ?? []
  checkCount('imageTagMutabilityExclusionFilters', filters, 0, 5)
  for (const filter of filters) {
    checkEnum('imageTagMutabilityExclusionFilters.member.filterType', filter.filterType ?? '', [
      'WILDCARD'
    ])
    if (typeof filter.filter !== 'string' || !WILDCARD_FILTER.test(filter.filter)) {
      throw invalidMember(
        'imageTagMutabilityExclusionFilters.member.filter',
        'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}'
      )
    }
  }
  return { tagMutability, exclusionFilters: filters.map((filter) => filter.filter as string) }
}

function registryOf(context: OperationContext): string {
  checkRegistryId(context.body.registryId)
  return (context.body.registryId as string | undefined) ?? context.account
}

export const createRepository: Operation = (context) => {
  const registryId = registryOf(context)
  const name = requireString(context.body, 'repositoryName')
  checkRepositoryName(name)
  const scanning = context.body.imageScanningConfiguration as { scanOnPush?: unknown } | undefined
  const tags = (context.body.tags as Array<{ Key?: unknown; Value?: unknown }> | undefined) ?? []
  checkCount('tags', tags, 0, 50)
  const repository = context.store.create(registryId, context.region, name, {
    ...mutability(context.body, 'MUTABLE'),
    scanOnPush: scanning?.scanOnPush === true,
    encryption: encryption(context.body),
    resourceTags: tags.map((tag) => ({ Key: String(tag.Key), Value: String(tag.Value ?? '') }))
  })
  return { repository: describe(repository) }
}

/** DescribeRepositoryCreationTemplates: the registry's templates, or those with the prefixes asked. */
export const describeRepositoryCreationTemplates: Operation = (context) => {
  const prefixes = context.body.prefixes as string[] | undefined
  const templates = [
    ...(context.store.creationTemplates.get(`${context.account}/${context.region}`)?.values() ?? [])
  ].filter((template) => !prefixes || prefixes.includes(template.prefix))
  return {
    registryId: context.account,
    repositoryCreationTemplates: templates.map((template) => ({
      ...template,
      ...(template.imageTagMutabilityExclusionFilters && {
        imageTagMutabilityExclusionFilters: template.imageTagMutabilityExclusionFilters.map(
          (filter) => ({ filterType: 'WILDCARD', filter })
        )
      })
    }))
  }
}

export const describeRepositories: Operation = (context) => {
  const registryId = registryOf(context)
  const names = context.body.repositoryNames as string[] | undefined
  const repositories = names
    ? names.map((name) => {
        const repository = context.store.find(registryId, context.region, name)
        if (!repository) {
          throw new ServiceError(
            'RepositoryNotFoundException',
            `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
          )
        }
        return repository
      })
    : context.store.list(registryId, context.region)
  return { repositories: repositories.map(describe) }
}

export const putImageTagMutability: Operation = (context) => {
  const registryId = registryOf(context)
  const name = requireString(context.body, 'repositoryName')
  checkRepositoryName(name)
  if (context.body.imageTagMutability === undefined)
    throw invalidMember('imageTagMutability', 'Member must not be null')
  const repository = context.store.repository(registryId, context.region, name)
  const settings = mutability(context.body, repository.tagMutability)
  repository.tagMutability = settings.tagMutability
  repository.exclusionFilters = settings.exclusionFilters
  return {
    registryId,
    repositoryName: name,
    imageTagMutability: repository.tagMutability,
    ...(repository.exclusionFilters.length > 0 && {
      imageTagMutabilityExclusionFilters: repository.exclusionFilters.map((filter) => ({
        filterType: 'WILDCARD',
        filter
      }))
    })
  }
}
