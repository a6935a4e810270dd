// The emulator's state: registries (account + region) holding repositories, each with its own
// images, tags and blobs, as ECR keeps them. Pure data and lookups; semantics live in operations/.
import type { Hash } from 'node:crypto'
import { ServiceError } from './errors.js'
import type { ScanState } from './scans.js'
import type { SigningState } from './signing.js'
import type { Timed } from './timeline.js'
import { matchesWildcard } from './validation.js'

export type TagMutability =
  'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
export const TAG_MUTABILITIES: TagMutability[] = [
  'MUTABLE',
  'IMMUTABLE',
  'IMMUTABLE_WITH_EXCLUSION',
  'MUTABLE_WITH_EXCLUSION'
]

/** ECR's image status under its archive storage class: ACTIVE, ARCHIVED, or ACTIVATING (restoring). */
export type ArtifactStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
export const ARTIFACT_STATUSES: ArtifactStatus[] = ['ACTIVE', 'ARCHIVED', 'ACTIVATING']

export interface StoredImage {
  digest: string
  /** Exactly as pushed; its sha256 is the digest. */
  manifest: string
  mediaType: string
  artifactType?: string
  /** The manifest's own annotations. */
  annotations?: Record<string, string>
  artifactStatus: ArtifactStatus
  /** When BatchGetImage last returned it (ECR's lastRecordedPullTime). */
  lastPulledAt?: Date
  /** While ACTIVATING: when the restore completes (ms since the epoch). */
  activatesAt?: number
  pushedAt: Date
  /** Config and layers (for an image manifest), or child manifests (for an index). */
  blobDigests: string[]
  childDigests: string[]
  subject?: string
  /** Manifest plus blob bytes, as DescribeImages reports it. */
  size: number
}

export interface StoredBlob {
  digest: string
  size: number
  /** The bytes as they arrived, never joined into one buffer. */
  chunks: Buffer[]
}

export interface Upload {
  id: string
  hash: Hash
  chunks: Buffer[]
  /** Bytes received so far; the next part must start here. */
  received: number
  /** Size of the last part: under the minimum, no other part may follow it. */
  lastPartSize?: number
}

export interface Repository {
  registryId: string
  region: string
  name: string
  createdAt: Date
  tagMutability: TagMutability
  exclusionFilters: string[]
  /** As CreateRepository set them: scan on push, and the encryption (AES256, or KMS with a key). */
  scanOnPush: boolean
  /** The repository's resource tags (CreateRepository's `tags`), not its image tags. */
  resourceTags: Array<{ Key: string; Value: string }>
  encryption: { encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE'; kmsKey?: string }
  images: Map<string, StoredImage>
  tags: Map<string, string>
  blobs: Map<string, StoredBlob>
  uploads: Map<string, Upload>
  /** By image digest: the scan in effect (set by tests; ECR runs them). */
  scans: Map<string, Timed<ScanState>>
  /** By image digest: managed signing's status, one per signing profile. */
  signing: Map<string, Array<Timed<SigningState>>>
  /** The lifecycle policy's JSON text, as PutLifecyclePolicy stored it. */
  lifecyclePolicy?: string
}

export function repositoryArn(repository: Repository): string {
  return `arn:aws:ecr:${repository.region}:${repository.registryId}:repository/${repository.name}`
}

export function repositoryUri(repository: Repository): string {
  const suffix = repository.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return `${repository.registryId}.dkr.ecr.${repository.region}.${suffix}/${repository.name}`
}

/** Whether moving `tag` is refused under the repository's mutability setting. */
export function isTagLocked(repository: Repository, tag: string): boolean {
  const matches = repository.exclusionFilters.some((filter) => matchesWildcard(tag, filter))
  switch (repository.tagMutability) {
    case 'MUTABLE':
      return false
    case 'IMMUTABLE':
      return true
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !matches
    case 'MUTABLE_WITH_EXCLUSION':
      return matches
  }
}

/** The image's status now: a restore whose time has come is complete. */
export function statusOf(image: StoredImage, now = Date.now()): ArtifactStatus {
  if (image.artifactStatus === 'ACTIVATING' && (image.activatesAt ?? 0) <= now) {
    image.artifactStatus = 'ACTIVE'
    delete image.activatesAt
  }
  return image.artifactStatus
}

/** Starts the restore of an archived image: ACTIVATING, then ACTIVE once `restoreMs` have passed. */
export function startRestore(image: StoredImage, restoreMs: number): void {
  if (statusOf(image) !== 'ARCHIVED') return
  image.artifactStatus = 'ACTIVATING'
  image.activatesAt = Date.now() + restoreMs
}

export function tagsOf(repository: Repository, digest: string): string[] {
  return [...repository.tags].filter(([, target]) => target === digest).map(([tag]) => tag)
}

/** A managed signing rule: a Signer profile, and the repository filters (none: every repository). */
export interface SigningRuleConfig {
  signingProfileArn: string
  repositoryFilters?: Array<{ filter: string; filterType: 'WILDCARD_MATCH' }>
}

/** ECR Public keeps its repositories apart from every region's private ones: this is their region key. */
export const PUBLIC_PARTITION = 'public'

/** An account's ECR Public registry, reached as public.ecr.aws/ALIAS. */
export interface PublicRegistry {
  registryId: string
  alias: string
}

/** A repository creation template, as CreateRepositoryCreationTemplate takes it. */
export interface CreationTemplate {
  prefix: string
  description?: string
  appliedFor: Array<'CREATE_ON_PUSH' | 'PULL_THROUGH_CACHE' | 'REPLICATION'>
  imageTagMutability?: TagMutability
  imageTagMutabilityExclusionFilters?: string[]
  encryptionConfiguration?: { encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE'; kmsKey?: string }
  resourceTags?: Array<{ Key: string; Value: string }>
  repositoryPolicy?: string
  lifecyclePolicy?: string
}

/** What GetAccountSetting answers for a setting nobody put (BLOB_MOUNTING is opt-in). */
export const ACCOUNT_SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  BLOB_MOUNTING: 'DISABLED',
  BASIC_SCAN_TYPE_VERSION: 'AWS_NATIVE',
  REGISTRY_POLICY_SCOPE: 'V2'
}

export class Store {
  readonly repositories = new Map<string, Repository>()
  /** By registry id (the account). */
  readonly publicRegistries = new Map<string, PublicRegistry>()
  /** Passwords GetAuthorizationToken handed out, for the registry's token endpoint. */
  readonly publicPasswords = new Set<string>()
  /** Passwords ECR's GetAuthorizationToken handed out: the registry (account and region) each opens. */
  readonly privatePasswords = new Map<string, { registryId: string; region: string }>()
  /** Repository creation templates, by `registryId/region`, then prefix (`ROOT` for the default). */
  readonly creationTemplates = new Map<string, Map<string, CreationTemplate>>()
  /** Account settings (PutAccountSetting), by `registryId/region`, then name. */
  readonly accountSettings = new Map<string, Map<string, string>>()
  /** By `account/region`: the registry's managed signing rules (PutSigningConfiguration). */
  readonly signingConfigurations = new Map<string, SigningRuleConfig[]>()

  /** An account setting as GetAccountSetting reads it; ECR's default where none was put. */
  accountSetting(registryId: string, region: string, name: string): string {
    return (
      this.accountSettings.get(`${registryId}/${region}`)?.get(name) ??
      ACCOUNT_SETTING_DEFAULTS[name] ??
      ''
    )
  }

  publicRegistryByAlias(alias: string): PublicRegistry | undefined {
    return [...this.publicRegistries.values()].find((registry) => registry.alias === alias)
  }

  private key(registryId: string, region: string, name: string): string {
    return `${registryId}/${region}/${name}`
  }

  find(registryId: string, region: string, name: string): Repository | undefined {
    return this.repositories.get(this.key(registryId, region, name))
  }

  repository(registryId: string, region: string, name: string): Repository {
    const repository = this.find(registryId, region, name)
    if (!repository) {
      throw new ServiceError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registryId}'`
      )
    }
    return repository
  }

  create(
    registryId: string,
    region: string,
    name: string,
    options: {
      tagMutability?: TagMutability
      exclusionFilters?: string[]
      scanOnPush?: boolean
      encryption?: Repository['encryption']
      resourceTags?: Repository['resourceTags']
    } = {}
  ): Repository {
    if (this.find(registryId, region, name)) {
      throw new ServiceError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${registryId}'`
      )
    }
    const repository: Repository = {
      registryId,
      region,
      name,
      createdAt: new Date(),
      tagMutability: options.tagMutability ?? 'MUTABLE',
      exclusionFilters: options.exclusionFilters ?? [],
      scanOnPush: options.scanOnPush ?? false,
      resourceTags: options.resourceTags ?? [],
      encryption: options.encryption ?? { encryptionType: 'AES256' },
      images: new Map(),
      tags: new Map(),
      blobs: new Map(),
      uploads: new Map(),
      scans: new Map(),
      signing: new Map()
    }
    this.repositories.set(this.key(registryId, region, name), repository)
    return repository
  }

  list(registryId: string, region: string): Repository[] {
    return [...this.repositories.values()].filter(
      (r) => r.registryId === registryId && r.region === region
    )
  }
}
