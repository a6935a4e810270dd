// The registry seam: the only code that talks to AWS or to a registry (it alone imports the AWS SDK),
// with one transport policy for retries, timeouts and pacing. It may import src/oci only. The SDK
// is loaded on the first call, not at start-up, so a run that fails on its inputs never pays for
// it; ECR Public's SDK is loaded only when a public.ecr.aws repository is named.
import type { RepositoryRef } from '../oci/index.js'
import type { ImageId, PutImageRequest, Registry, RepositorySettings, WriteOptions } from './api.js'
import type { DownloadOptions } from './blob-download.js'
import type { Endpoints } from './endpoints.js'
import { connectionsAhead, letIoThrough, Warmer } from './preconnect.js'
import type { Transport, TransportOptions } from './transport.js'

export type * from './api.js'
export { isUnsupported } from './api.js'
export { mapLimit } from './concurrency.js'
export { EcrError, ExplainedError, mayPassOnRerun, redact, type FailureKind } from './errors.js'
export {
  explainCopyError,
  explainCreateError,
  explainWriteError,
  stopsOtherWrites
} from './explain.js'
export { explainedRead, presentManifests, readManifests } from './reads.js'
export { madeSince } from './lost-answers.js'
export { configuredRegion } from './region.js'
export { configuredEndpoints, type Endpoints } from './endpoints.js'
export type { Timeouts } from './transport.js'

export interface RegistryOptions extends TransportOptions, DownloadOptions {
  /** ECR Public's registry endpoint, for reads; https://public.ecr.aws unless overridden. */
  publicRegistryUrl?: string
  /** The services' endpoints as configured (configuredEndpoints), for timeouts' words and
   * connections opened ahead; unset: the regional defaults. */
  endpoints?: Endpoints
  /** Open the first calls' connections while the SDK loads (default true). */
  preconnect?: boolean
  /** How many writes the run keeps in flight: the most connections worth opening ahead. */
  writesInFlight?: number
  /** Once aborted, no write is sent (reads still are): a stopping run finishes what is in flight. */
  stopWrites?: AbortSignal
}

/**
 * The registry seam as callers see it: every operation takes the repository first and goes to the
 * implementation that serves it (ECR or ECR Public), loaded on first use, while the connections its
 * first calls need open (preconnect.ts).
 */
class RoutingRegistry implements Registry {
  private readonly options: RegistryOptions
  private readonly warmer: Warmer
  private readonly transport: Promise<Transport>
  private privateEcr: Promise<Registry> | undefined
  private publicEcr: Promise<Registry> | undefined

  constructor(options: RegistryOptions) {
    this.options = options
    this.warmer = new Warmer({
      enabled: options.preconnect ?? true,
      endpoints: options.endpoints ?? {},
      ...(options.writesInFlight !== undefined && { writesInFlight: options.writesInFlight })
    })
    this.transport = import('./transport.js').then(
      (module) => new module.Transport(options, this.warmer)
    )
  }

  writableRegistryId(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.writableRegistryId(repository))
  }
  getImages(repository: RepositoryRef, ids: ImageId[]) {
    return this.serving(repository).then((r) => r.getImages(repository, ids))
  }
  tagDigests(repository: RepositoryRef, tags: string[]) {
    return this.serving(repository).then((r) => r.tagDigests(repository, tags))
  }
  getImagesAndTags(repository: RepositoryRef, ids: ImageId[], tags: string[]) {
    // The reads and writes that follow want connections for their tags: see preconnect.ts.
    return this.serving(repository, connectionsAhead(tags.length)).then((r) =>
      r.getImagesAndTags(repository, ids, tags)
    )
  }
  tagMutability(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.tagMutability(repository))
  }
  tagCount(repository: RepositoryRef, id: ImageId) {
    return this.serving(repository).then((r) => r.tagCount(repository, id))
  }
  presentImages(repository: RepositoryRef, digests: string[]) {
    return this.serving(repository).then((r) => r.presentImages(repository, digests))
  }
  putImage(repository: RepositoryRef, request: PutImageRequest) {
    return this.serving(repository).then((r) => r.putImage(repository, request))
  }
  untag(repository: RepositoryRef, tag: string, options?: WriteOptions) {
    return this.serving(repository).then((r) => r.untag(repository, tag, options))
  }
  checkBlobs(repository: RepositoryRef, digests: string[]) {
    return this.serving(repository).then((r) => r.checkBlobs(repository, digests))
  }
  readBlob(repository: RepositoryRef, digest: string) {
    return this.serving(repository).then((r) => r.readBlob(repository, digest))
  }
  startUpload(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.startUpload(repository))
  }
  uploadPart(repository: RepositoryRef, uploadId: string, first: number, bytes: Uint8Array) {
    return this.serving(repository).then((r) => r.uploadPart(repository, uploadId, first, bytes))
  }
  completeUpload(repository: RepositoryRef, uploadId: string, digest: string) {
    return this.serving(repository).then((r) => r.completeUpload(repository, uploadId, digest))
  }
  listReferrers(repository: RepositoryRef, digest: string) {
    return this.serving(repository).then((r) => r.listReferrers(repository, digest))
  }
  scan(repository: RepositoryRef, digest: string, allFindings: boolean) {
    return this.serving(repository).then((r) => r.scan(repository, digest, allFindings))
  }
  repositorySettings(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.repositorySettings(repository))
  }
  creationTemplate(repository: RepositoryRef, fallback: RepositorySettings) {
    return this.serving(repository).then((r) => r.creationTemplate(repository, fallback))
  }
  createRepository(repository: RepositoryRef, settings: RepositorySettings) {
    return this.serving(repository).then((r) => r.createRepository(repository, settings))
  }
  mountBlob(target: RepositoryRef, source: RepositoryRef, digest: string) {
    return this.serving(target).then((r) => r.mountBlob(target, source, digest))
  }
  imageDetails(repository: RepositoryRef, ids: ImageId[]) {
    return this.serving(repository).then((r) => r.imageDetails(repository, ids))
  }
  signingRules(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.signingRules(repository))
  }
  lifecyclePolicy(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.lifecyclePolicy(repository))
  }
  listImages(repository: RepositoryRef) {
    return this.serving(repository).then((r) => r.listImages(repository))
  }
  restoreImage(repository: RepositoryRef, digest: string) {
    return this.serving(repository).then((r) => r.restoreImage(repository, digest))
  }
  signingStatuses(repository: RepositoryRef, digest: string) {
    return this.serving(repository).then((r) => r.signingStatuses(repository, digest))
  }

  /** The implementation serving `repository`, with `connections` to its endpoint opened ahead. */
  private serving(repository: RepositoryRef, connections = 1): Promise<Registry> {
    this.warmer.ahead(repository, connections)
    const download: DownloadOptions = {
      ...(this.options.onResume && { onResume: this.options.onResume })
    }
    const { stopWrites, endpoints, publicRegistryUrl } = this.options
    if (repository.publicAlias !== undefined)
      return (this.publicEcr ??= Promise.all([this.transport, import('./ecr-public.js')]).then(
        ([transport, module]) =>
          new module.PublicEcr(transport, {
            download,
            ...(stopWrites && { stopWrites }),
            ...(endpoints && { endpoints }),
            ...(publicRegistryUrl && { registryUrl: publicRegistryUrl })
          })
      ))
    return (this.privateEcr ??= Promise.all([
      this.transport,
      // The SDK's chunks compile after a turn of the event loop: see letIoThrough.
      this.transport.then(letIoThrough).then(() => import('./ecr.js'))
    ]).then(
      ([transport, module]) =>
        new module.PrivateEcr(transport, {
          download,
          ...(stopWrites && { stopWrites }),
          ...(endpoints && { endpoints })
        })
    ))
  }
}

export function createRegistry(options: RegistryOptions = {}): Registry {
  return new RoutingRegistry(options)
}
