// The registry seam: the only code that talks to AWS or to a registry (it alone imports the AWS SDK),
// with one transport policy for retries, timeouts and pacing. It may import src/oci only. The SDK
// is loaded on the first call, not at start-up, so a run that fails on its inputs never pays for
// it; ECR Public's SDK is loaded only when a public.ecr.aws repository is named.
import type { RepositoryRef } from '../oci/index.js'
import type { Registry } from './api.js'
import type { DownloadOptions } from './blob-download.js'
import type { Endpoints } from './endpoints.js'
import { createWarmer, letIoThrough } from './preconnect.js'
import type { TransportOptions } from './transport.js'

export type * from './api.js'
export { isUnsupported } from './api.js'
export { mapLimit } from './concurrency.js'
export { EcrError, ExplainedError, mayPassOnRerun, redact, type FailureKind } from './errors.js'
export { explainCopyError, explainWriteError, stopsOtherWrites } from './explain.js'
export { explainedRead, presentManifests, readManifests } from './reads.js'
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
  /** Once aborted, no write is sent (reads still are): a stopping run finishes what is in flight. */
  stopWrites?: AbortSignal
}

/**
 * Every operation of the seam. `satisfies` holds it to the interface both ways, so an operation
 * added to Registry and forgotten here fails to compile.
 */
const OPERATIONS = {
  writableRegistryId: true,
  getImages: true,
  tagDigests: true,
  getImagesAndTags: true,
  tagMutability: true,
  tagCount: true,
  presentImages: true,
  putImage: true,
  checkBlobs: true,
  readBlob: true,
  startUpload: true,
  uploadPart: true,
  completeUpload: true,
  listReferrers: true,
  scan: true,
  signingStatuses: true
} as const satisfies Record<keyof Registry, true>

export function createRegistry(options: RegistryOptions = {}): Registry {
  const download: DownloadOptions = { ...(options.onResume && { onResume: options.onResume }) }
  const endpoints = options.endpoints ?? {}
  const warmer = createWarmer({ enabled: options.preconnect ?? true, endpoints })
  const transport = import('./transport.js').then((module) =>
    module.createTransport(options, warmer)
  )
  let privateEcr: Promise<Registry> | undefined
  let publicEcr: Promise<Registry> | undefined
  const serving = (repository: RepositoryRef): Promise<Registry> =>
    repository.publicAlias === undefined
      ? (privateEcr ??= Promise.all([
          transport,
          // The SDK's chunks compile after a turn of the event loop: see letIoThrough.
          transport.then(letIoThrough).then(() => import('./ecr.js'))
        ]).then(([made, module]) =>
          module.createPrivateEcr(made, download, options.stopWrites, endpoints)
        ))
      : (publicEcr ??= Promise.all([transport, import('./ecr-public.js')]).then(([made, module]) =>
          module.createPublicEcr(made, {
            download,
            ...(options.stopWrites && { stopWrites: options.stopWrites }),
            endpoints,
            ...(options.publicRegistryUrl && { registryUrl: options.publicRegistryUrl })
          })
        ))

  // Every operation takes the repository first: hand it to the implementation that serves it.
  const dispatched: Record<string, unknown> = {}
  for (const name of Object.keys(OPERATIONS) as Array<keyof Registry>) {
    dispatched[name] = async (repository: RepositoryRef, ...rest: unknown[]) => {
      // Connections open while the SDK loads: see preconnect.ts.
      warmer.ahead(name, repository, rest)
      return ((await serving(repository))[name] as (...args: unknown[]) => Promise<unknown>)(
        repository,
        ...rest
      )
    }
  }
  return dispatched as unknown as Registry
}
