// The registry seam: every operation the action needs, the same for ECR and ECR Public, on plain
// data. ecr.ts and ecr-public.ts implement it; index.ts hands each call to the one that serves the
// repository, so no caller ever asks which kind of registry it is talking to.
import type { RepositoryRef } from '../oci/index.js'

export interface ImageId {
  tag?: string
  digest?: string
}

export interface FetchedImage {
  /** The registry that answered (the caller's own, when the request named none). */
  registryId: string
  tag?: string
  digest: string
  manifest: string
  mediaType?: string
}

export interface ImageFailure {
  tag?: string
  digest?: string
  code: string
  reason: string
}

export interface ImageAnswer {
  images: FetchedImage[]
  failures: ImageFailure[]
}

/** The digest each tag points at, null for a tag that does not exist. */
export type TagDigests = Map<string, string | null>

/** When a write may be sent. */
export interface WriteOptions {
  /** Once aborted, the write is not sent, even if it was waiting for its turn (an earlier write
   * failed in a way no other can get past). */
  notAfter?: AbortSignal
  /** Sent even once the run is stopping (a rollback's write); `notAfter` still bounds it. */
  despiteStop?: boolean
}

export interface PutImageRequest extends WriteOptions {
  manifest: string
  mediaType: string
  digest: string
  tag?: string
}

export interface Referrer {
  digest: string
  mediaType: string
  artifactType?: string
  /** Under the archive storage class; ACTIVE when the registry does not say. */
  status?: ImageStatus
}

/** A repository's tag mutability, as ECR holds it (DescribeRepositories). */
export interface TagMutability {
  mode: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
  /** Wildcard filters (`*`) for the two modes with exclusions. */
  filters: string[]
}

/** What a new repository can take from another: the settings DescribeRepositories reports. */
export interface RepositorySettings {
  mutability: TagMutability
  scanOnPush: boolean
  /** AES256, KMS or KMS_DSSE, with the KMS key for the latter two. */
  encryption: { type: string; kmsKey?: string }
  /** Resource tags to create it with (a creation template's). */
  tags?: Array<{ key: string; value: string }>
  /** The repository creation template these settings come from, by its prefix (`ROOT`). */
  template?: string
  /** What the template holds that creating the repository does not apply (its policies). */
  notApplied?: string[]
}

/** One finding of an image scan, reduced to what a gate decides by. */
export interface ScanFinding {
  /** The CVE or finding id (basic: its name; enhanced: the vulnerability id, else its title). */
  id: string
  severity: string
  /** Enhanced scanning only: YES, NO or PARTIAL. */
  fixAvailable?: string
  /** The vulnerable package and its version, when ECR names them. */
  package?: string
  version?: string
  /** Enhanced scanning: the version that fixes it, when there is one. */
  fixedIn?: string
  /** Where to read about it: the finding's URI (basic) or its source's (enhanced). */
  url?: string
}

/** What a registry cannot do at all, whatever is asked of it. */
export type Capability =
  | 'referrers'
  | 'scanning'
  | 'signing'
  | 'repository-creation'
  | 'mounting'
  | 'archive'
  | 'lifecycle'

/** An image under ECR's archive storage class: ACTIVE, ARCHIVED, or ACTIVATING (being restored). */
export type ImageStatus = 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'

/** An image of a repository as DescribeImages lists it, for a lifecycle policy's evaluation. */
export interface ListedImage {
  digest: string
  tags: string[]
  /** ms since the epoch. */
  pushedAt: number
  lastPulledAt?: number
  status: ImageStatus
}

/** A managed signing rule of a registry: its Signer profile, and the repository filters it signs
 * pushes into (`*` wildcards; none: every repository). */
export interface SigningRule {
  profileArn: string
  filters: string[]
}

/** What DescribeImages says of one image. */
export interface ImageDetail {
  status: ImageStatus
  tagCount: number
  /** When it was pushed (ms since the epoch, by ECR's clock), when ECR says. */
  pushedAt?: number
}

/**
 * A registry's answer that it cannot do what was asked: which capability, and why, in words the
 * registry's implementation writes (callers add what to do about it, never what the registry is).
 */
export interface Unsupported {
  readonly unsupported: Capability
  readonly reason: string
}

export const isUnsupported = (answer: unknown): answer is Unsupported =>
  typeof answer === 'object' && answer !== null && 'unsupported' in answer

/** An image's scan as DescribeImageScanFindings reports it. */
export interface ImageScan {
  /** ECR's scan status: COMPLETE, ACTIVE, IN_PROGRESS, PENDING, FAILED, UNSUPPORTED_IMAGE, ... */
  status: string
  description?: string
  /** Findings by severity, as ECR counts them. */
  severityCounts: Record<string, number>
  /** Every finding (every page), when asked for; otherwise only the first page's. */
  findings: ScanFinding[]
  completedAt?: Date
  /** When the vulnerability data the scan used was last updated. */
  sourceUpdatedAt?: Date
}

/** DescribeImageSigningStatus: one entry per signing profile. */
export interface SigningStatus {
  profileArn?: string
  status: string
  failureCode?: string
  failureReason?: string
}

export interface Registry {
  /**
   * The registry id a write to this repository lands in: for ECR Public, the caller's registry
   * with this alias (checked, so that no write lands in a registry nobody named); for ECR, the id
   * the repository names, or undefined for the caller's default registry.
   */
  writableRegistryId(repository: RepositoryRef): Promise<string | undefined>
  /** The images `ids` name (BatchGetImage, 100 per call; ECR Public: its registry endpoint). */
  getImages(repository: RepositoryRef, ids: ImageId[]): Promise<ImageAnswer>
  /**
   * Where each tag points: BatchGetImage, or for ECR Public DescribeImageTags (its API, which no
   * CDN caches).
   */
  tagDigests(repository: RepositoryRef, tags: string[]): Promise<TagDigests>
  /** Both of the above in as few round trips as the registry allows: one BatchGetImage for ECR. */
  getImagesAndTags(
    repository: RepositoryRef,
    ids: ImageId[],
    tags: string[]
  ): Promise<ImageAnswer & { tags: TagDigests }>
  /**
   * The repository's tag mutability; undefined where the registry has no such setting to read
   * (ECR Public), so that immutable tags are found only when written.
   */
  tagMutability(repository: RepositoryRef): Promise<TagMutability | undefined>
  /**
   * How many tags the image named by `id` (a digest, or a tag that points at it) carries in the
   * repository: DescribeImages. 0 when the repository does not hold it.
   */
  tagCount(repository: RepositoryRef, id: ImageId): Promise<number>
  /** Which of `digests` the repository holds as images. */
  presentImages(repository: RepositoryRef, digests: string[]): Promise<Set<string>>
  /**
   * BatchDeleteImage by tag: removes the tag (the image goes with its last tag, as ECR does it);
   * a tag already gone is what was asked.
   */
  untag(repository: RepositoryRef, tag: string, options?: WriteOptions): Promise<void>
  /**
   * What DescribeImages says of each image `ids` name, whatever its status: its status under the
   * archive storage class and how many tags it carries, by digest; an id the repository does not
   * hold is left out. Unsupported where nothing is archived (ECR Public).
   */
  imageDetails(
    repository: RepositoryRef,
    ids: ImageId[]
  ): Promise<Map<string, ImageDetail> | Unsupported>
  /**
   * GetSigningConfiguration: the managed signing rules of the caller's own registry in the
   * repository's region; undefined when it has none. Unsupported where nothing is signed on push.
   */
  signingRules(repository: RepositoryRef): Promise<SigningRule[] | undefined | Unsupported>
  /** GetLifecyclePolicy: the policy's JSON text; undefined when the repository has none. */
  lifecyclePolicy(repository: RepositoryRef): Promise<string | undefined | Unsupported>
  /** DescribeImages, every page, any status: every image of the repository. */
  listImages(repository: RepositoryRef): Promise<ListedImage[] | Unsupported>
  /** UpdateImageStorageClass to STANDARD: starts restoring an archived image; its status after. */
  restoreImage(repository: RepositoryRef, digest: string): Promise<ImageStatus | Unsupported>
  /** PutImage; resolves to the digest the registry stored. */
  putImage(repository: RepositoryRef, request: PutImageRequest): Promise<string>
  /** BatchCheckLayerAvailability (100 per call): the size of each blob the repository has. */
  checkBlobs(repository: RepositoryRef, digests: string[]): Promise<Map<string, number>>
  /** A blob's bytes from the first, resumed across dropped connections (see blob-download.ts). */
  readBlob(repository: RepositoryRef, digest: string): Promise<AsyncIterable<Uint8Array>>
  /** InitiateLayerUpload. */
  startUpload(repository: RepositoryRef): Promise<{ uploadId: string; partSize?: number }>
  /** UploadLayerPart: `bytes` go at offset `first` (byte ranges are inclusive on the wire). */
  uploadPart(
    repository: RepositoryRef,
    uploadId: string,
    first: number,
    bytes: Uint8Array
  ): Promise<void>
  /** CompleteLayerUpload; `exists` when the repository already had the blob. */
  completeUpload(
    repository: RepositoryRef,
    uploadId: string,
    digest: string
  ): Promise<'completed' | 'exists'>
  /**
   * ListImageReferrers, every page: the artifacts whose subject is `digest`; Unsupported where the
   * registry cannot list referrers.
   */
  listReferrers(repository: RepositoryRef, digest: string): Promise<Referrer[] | Unsupported>
  /**
   * The image's scan; `never-scanned` when ECR has none (it is never started from here: ECR allows
   * one scan a day), Unsupported where the registry does not scan. With
   * `allFindings`, every page of findings is read.
   */
  scan(
    repository: RepositoryRef,
    digest: string,
    allFindings: boolean
  ): Promise<ImageScan | 'never-scanned' | Unsupported>
  /** A repository's settings, for a new repository to take; Unsupported where there are none. */
  repositorySettings(repository: RepositoryRef): Promise<RepositorySettings | Unsupported>
  /**
   * The registry's repository creation template that applies to a repository created under this
   * name (CREATE_ON_PUSH, the longest matching prefix, else ROOT), as settings over `fallback`;
   * undefined when none applies or the registry is another account's (its templates are its own).
   */
  creationTemplate(
    repository: RepositoryRef,
    fallback: RepositorySettings
  ): Promise<RepositorySettings | undefined | Unsupported>
  /**
   * CreateRepository with `settings`: `exists` when it was already there (created meanwhile);
   * `created-unheard` when an attempt whose answer was lost created it (the retry found it, and
   * its creation time is this call's); Unsupported where this action cannot create repositories
   * (ECR Public).
   */
  createRepository(
    repository: RepositoryRef,
    settings: RepositorySettings
  ): Promise<'created' | 'created-unheard' | 'exists' | Unsupported>
  /**
   * Blob mounting: asks the registry to reference `digest`, which `source` holds, in `target`
   * without a copy (the OCI API's POST .../blobs/uploads/?mount=&from=). `not-mounted` when the
   * registry declined (its BLOB_MOUNTING setting off, encryption that differs, a refusal): the
   * caller copies that blob. Unsupported across registries and for ECR Public.
   */
  mountBlob(
    target: RepositoryRef,
    source: RepositoryRef,
    digest: string
  ): Promise<'mounted' | 'not-mounted' | Unsupported>
  /** ECR managed signing's statuses for the image; Unsupported where there is none. */
  signingStatuses(repository: RepositoryRef, digest: string): Promise<SigningStatus[] | Unsupported>
}
