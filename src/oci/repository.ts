// Where images live: a repository in a private ECR registry (account and region) or in ECR Public.

/** ECR Public's registry: every public repository is public.ecr.aws/ALIAS/NAME. */
export const PUBLIC_REGISTRY_HOST = 'public.ecr.aws'
/** ECR Public's API exists in this region only. */
export const PUBLIC_REGION = 'us-east-1'

export interface RepositoryRef {
  /** Undefined means the default registry of the caller's account. */
  registryId?: string
  region: string
  name: string
  /** Set for an ECR Public repository, public.ecr.aws/ALIAS/NAME; its region is always us-east-1. */
  publicAlias?: string
}

/** A repository whose registry id is known (the caller's default one resolved). */
export type SettledRepository = RepositoryRef & { registryId: string }

/**
 * One repository however it was written (a name, a full URI, with or without the caller's account
 * or the default region), once its registry is settled: what claims, limits and totals key on.
 */
export function repositoryKey(repository: SettledRepository): string {
  return repository.publicAlias !== undefined
    ? `${PUBLIC_REGISTRY_HOST}/${repository.publicAlias}/${repository.name}`
    : `${repository.registryId}/${repository.region}/${repository.name}`
}

/** Same registry, region and name: tags are added in place, nothing is copied. */
export function isSameRepository(a: RepositoryRef, b: RepositoryRef): boolean {
  // A public repository is its alias and name, whatever registry id was said beside them.
  if (a.publicAlias !== undefined && b.publicAlias !== undefined)
    return a.publicAlias === b.publicAlias && a.name === b.name
  return (
    a.name === b.name &&
    a.region === b.region &&
    a.registryId === b.registryId &&
    a.publicAlias === b.publicAlias
  )
}

function registryHost(registryId: string, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `${registryId}.dkr.ecr.${region}.${suffix}`
}

/** Where a repository's images are pulled from: REGISTRY/NAME. */
export function repositoryUri(repository: SettledRepository): string {
  return repository.publicAlias !== undefined
    ? `${PUBLIC_REGISTRY_HOST}/${repository.publicAlias}/${repository.name}`
    : `${registryHost(repository.registryId, repository.region)}/${repository.name}`
}

/**
 * A repository as every log line, message and summary names it: its URI when the registry is known,
 * and otherwise its name in the caller's own registry, said in words (never a placeholder id).
 */
export function describeRepository(repository: RepositoryRef): string {
  if (repository.publicAlias !== undefined || repository.registryId !== undefined)
    return repositoryUri(repository as SettledRepository)
  return `${repository.name} (your account's registry, ${repository.region})`
}
