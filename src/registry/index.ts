// The registry seam: the only code that talks to AWS or to a registry (it alone imports the AWS SDK),
// with one transport policy for retries. It may import src/oci only. Calls on an ECR Public
// repository go to ecr-public.ts, imported only when one is named, so the common path never loads
// ECR Public's SDK.
import type { RepositoryRef } from '../oci/index.js'
import type { Registry } from './api.js'
import type { DownloadOptions } from './blob-download.js'
import { createPrivateEcr } from './ecr.js'
import { createTransport, type TransportOptions } from './transport.js'

export type * from './api.js'
export { mapLimit } from './concurrency.js'
export { EcrError, ExplainedError, mayPassOnRerun, type FailureKind } from './errors.js'
export { ECR_DEFAULT_RATES } from './pacing.js'
export { DEFAULT_TIMEOUTS, type Timeouts } from './transport.js'
export { explainWriteError, stopsOtherWrites } from './explain.js'
export { explainedRead, presentManifests, readManifests } from './reads.js'
export { DEFAULT_MAX_ATTEMPTS } from './transport.js'

export interface RegistryOptions extends TransportOptions, DownloadOptions {
  /** ECR Public's registry endpoint, for reads; https://public.ecr.aws unless overridden. */
  publicRegistryUrl?: string
  /** Once aborted, no write is sent (reads still are): a stopping run finishes what is in flight. */
  stopWrites?: AbortSignal
}

export function createRegistry(options: RegistryOptions = {}): Registry {
  const transport = createTransport(options)
  const download: DownloadOptions = { ...(options.onResume && { onResume: options.onResume }) }
  const privateEcr = createPrivateEcr(transport, download, options.stopWrites)
  let publicEcr: Promise<Registry> | undefined
  const serving = (repository: RepositoryRef): Registry | Promise<Registry> =>
    repository.publicAlias === undefined
      ? privateEcr
      : (publicEcr ??= import('./ecr-public.js').then((module) =>
          module.createPublicEcr(transport, {
            download,
            ...(options.stopWrites && { stopWrites: options.stopWrites }),
            ...(options.publicRegistryUrl && { registryUrl: options.publicRegistryUrl })
          })
        ))

  // Every operation takes the repository first: hand it to the implementation that serves it. The
  // names come from the private implementation, which the type checker holds to the whole interface.
  const dispatched: Record<string, unknown> = {}
  for (const name of Object.keys(privateEcr) as Array<keyof Registry>) {
    dispatched[name] = async (repository: RepositoryRef, ...rest: unknown[]) =>
      ((await serving(repository))[name] as (...args: unknown[]) => Promise<unknown>)(
        repository,
        ...rest
      )
  }
  return dispatched as unknown as Registry
}
