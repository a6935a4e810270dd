// Inspection and setup helpers over the emulator's state, for tests: repositories, public
// registries, and what ECR would know of an image (scans, signing statuses, archival status).
import type { EmulatorSettings } from './context.js'
import { putScan, type ScanSpec } from './scans.js'
import { putSigning, type SigningSpec } from './signing.js'
import { exportState, loadState, type StateFile } from './state.js'
import {
  ARTIFACT_STATUSES,
  PUBLIC_PARTITION,
  type CreationTemplate,
  type Store,
  tagsOf,
  type ArtifactStatus,
  type PublicRegistry,
  type Repository
} from './store.js'

export class EmulatorState {
  readonly store: Store
  readonly settings: EmulatorSettings
  constructor(store: Store, settings: EmulatorSettings) {
    this.store = store
    this.settings = settings
  }

  /** A repository creation template for a registry, as CreateRepositoryCreationTemplate makes one. */
  setCreationTemplate(registryId: string, region: string, template: CreationTemplate): void {
    const key = `${registryId}/${region}`
    const templates = this.store.creationTemplates.get(key) ?? new Map<string, CreationTemplate>()
    templates.set(template.prefix, template)
    this.store.creationTemplates.set(key, templates)
  }

  /** PutAccountSetting for a registry (BLOB_MOUNTING: ENABLED or DISABLED), as its owner would. */
  setAccountSetting(registryId: string, region: string, name: string, value: string): void {
    const key = `${registryId}/${region}`
    const settings = this.store.accountSettings.get(key) ?? new Map<string, string>()
    settings.set(name, value)
    this.store.accountSettings.set(key, settings)
  }

  createRepository(
    registryId: string,
    region: string,
    name: string,
    options: Parameters<Store['create']>[3] = {}
  ): Repository {
    return this.store.create(registryId, region, name, options)
  }

  /** The account's ECR Public registry, public.ecr.aws/ALIAS. */
  createPublicRegistry(registryId: string, alias: string): PublicRegistry {
    const registry = { registryId, alias }
    this.store.publicRegistries.set(registryId, registry)
    return registry
  }

  /** A repository in the account's ECR Public registry; its region key is PUBLIC_PARTITION. */
  createPublicRepository(registryId: string, name: string): Repository {
    return this.store.create(registryId, PUBLIC_PARTITION, name)
  }

  repository(registryId: string, region: string, name: string): Repository {
    return this.store.repository(registryId, region, name)
  }

  tagDigest(registryId: string, region: string, name: string, tag: string): string | undefined {
    return this.store.find(registryId, region, name)?.tags.get(tag)
  }

  listTags(registryId: string, region: string, name: string): Record<string, string> {
    return Object.fromEntries(this.store.find(registryId, region, name)?.tags ?? [])
  }

  tagsOf(registryId: string, region: string, name: string, digest: string): string[] {
    const repository = this.store.find(registryId, region, name)
    return repository ? tagsOf(repository, digest) : []
  }

  hasImage(registryId: string, region: string, name: string, digest: string): boolean {
    return this.store.find(registryId, region, name)?.images.has(digest) ?? false
  }

  hasBlob(registryId: string, region: string, name: string, digest: string): boolean {
    return this.store.find(registryId, region, name)?.blobs.has(digest) ?? false
  }

  /**
   * The scan DescribeImageScanFindings reports for the image (undefined: never scanned, which
   * answers ScanNotFoundException). A delay (`completeAfterMs`) counts from now. The image need not
   * be pushed yet; the scan goes when the image is deleted.
   */
  setScan(
    registryId: string,
    region: string,
    repository: string,
    digest: string,
    scan: ScanSpec | undefined
  ): void {
    putScan(this.store.repository(registryId, region, repository), digest, scan)
  }

  /** What DescribeImageSigningStatus reports for the image, one status per signing profile. */
  setSigningStatus(
    registryId: string,
    region: string,
    repository: string,
    digest: string,
    statuses: SigningSpec[] | undefined
  ): void {
    putSigning(this.store.repository(registryId, region, repository), digest, statuses)
  }

  /** An image's status under the archive storage class, as DescribeImages, ListImageReferrers
   * and BatchGetImage treat it. */
  setArtifactStatus(
    registryId: string,
    region: string,
    repository: string,
    digest: string,
    status: ArtifactStatus
  ): void {
    if (!ARTIFACT_STATUSES.includes(status)) throw new Error(`unknown artifact status ${status}`)
    const image = this.store.repository(registryId, region, repository).images.get(digest)
    if (!image) throw new Error(`no image ${digest} in ${repository}`)
    image.artifactStatus = status
    // Set ACTIVATING, it is being restored: done after the emulator's restore time.
    if (status === 'ACTIVATING') image.activatesAt = Date.now() + this.settings.restoreMs
    else delete image.activatesAt
  }

  exportState(): StateFile {
    return exportState(this.store)
  }

  loadState(state: StateFile): void {
    loadState(this.store, this.settings, state)
  }
}
