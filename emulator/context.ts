import type { Store } from './store.js'

export interface EmulatorSettings {
  /** For a locked tag already at the pushed digest: which of the two errors real ECR answers. */
  lockedSameDigest: 'ImageAlreadyExistsException' | 'ImageTagAlreadyExistsException'
  partSize: number
  minPartSize: number
  /** How long a restore from the archive storage class takes (ECR: up to about 20 minutes). */
  restoreMs: number
  /** How long managed signing takes after a push. */
  signingMs: number
}

/** What an operation sees: the store, the caller's account and region, and the request body. */
export interface OperationContext {
  store: Store
  settings: EmulatorSettings
  /** The caller's account: the default registry id. */
  account: string
  region: string
  body: Record<string, unknown>
  /** A loopback URL that serves a blob, for GetDownloadUrlForLayer. */
  blobUrl(registryId: string, region: string, repository: string, digest: string): string
  /** The loopback URL of a registry's OCI API, for GetAuthorizationToken's proxyEndpoint. */
  registryUrl(registryId: string, region: string): string
}

export type Operation = (context: OperationContext) => unknown
