// Blob mounting within one ECR registry, through its OCI API: one GetAccountSetting read per
// registry says whether to try (where it cannot be read, or the registry is another account's, the
// first try says), GetAuthorizationToken opens the API, and each blob is one POST. ECR mounts only
// within a registry (same account and region), between repositories encrypted alike; anything it
// declines is copied through the layer API by the caller, blob by blob.
import { GetAccountSettingCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr'
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import type { Unsupported } from './api.js'
import { EcrError } from './errors.js'
import type { Service } from './service.js'

/** What a registry's OCI API is opened with, and whether mounting is on (undefined: not known). */
interface RegistryAccess {
  url: string
  authorization: string
  enabled: boolean | undefined
}

const registryOf = (repository: RepositoryRef): string =>
  `${repository.registryId ?? 'default'}/${repository.region}`

const ACROSS: Unsupported = {
  unsupported: 'mounting',
  reason: 'ECR mounts blobs only within one registry (the same account and region)'
}

export class BlobMounter {
  private readonly service: Service
  private readonly access = new Map<string, Promise<RegistryAccess | undefined>>()
  /** Registries whose setting is unknown and whose first try did not mount: not tried again. */
  private readonly declined = new Set<string>()

  constructor(service: Service) {
    this.service = service
  }

  async mount(
    target: RepositoryRef,
    source: RepositoryRef,
    digest: string
  ): Promise<'mounted' | 'not-mounted' | Unsupported> {
    const registry = registryOf(target)
    if (registryOf(source) !== registry || source.publicAlias !== undefined) return ACROSS
    let known = this.access.get(registry)
    if (!known) this.access.set(registry, (known = this.open(target)))
    const access = await known
    if (!access || access.enabled === false || this.declined.has(registry)) return 'not-mounted'
    const url = `${access.url}/v2/${target.name}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(source.name)}`
    const response = await this.service.transport.request(
      `mount ${digest} from ${source.name} into ${describeRepository(target)}`,
      this.service.target(target, 'MountBlob', { write: true }),
      url,
      { method: 'POST', headers: { authorization: access.authorization } }
    )
    await response.body?.cancel()
    if (response.status === 201) return 'mounted'
    // Learnt from the answer: a registry that would not mount this one is not asked again.
    if (access.enabled === undefined) this.declined.add(registry)
    return 'not-mounted'
  }

  /**
   * The registry's OCI API, and whether BLOB_MOUNTING is on there. GetAccountSetting reads the
   * caller's own account, and GetAuthorizationToken's endpoint names it: the setting counts only
   * for a target in the caller's registry; for another account's it is unknown, and the first try
   * says. Undefined when the API cannot be opened (no ecr:GetAuthorizationToken): nothing mounts.
   */
  private async open(target: RepositoryRef): Promise<RegistryAccess | undefined> {
    const [own, setting] = await Promise.all([
      this.token(target, undefined),
      this.service
        .send(target, new GetAccountSettingCommand({ name: 'BLOB_MOUNTING' }), {
          about: '(BLOB_MOUNTING)'
        })
        .then((output) => output.value === 'ENABLED', unknown)
    ])
    const ownAccount = own && /(\d{12})/.exec(own.url)?.[1]
    const theirs = target.registryId !== undefined && ownAccount !== target.registryId
    const access = theirs ? await this.token(target, target.registryId) : own
    return access && { ...access, enabled: theirs ? undefined : setting }
  }

  private async token(
    target: RepositoryRef,
    registryId: string | undefined
  ): Promise<Omit<RegistryAccess, 'enabled'> | undefined> {
    const output = await this.service
      .send(
        target,
        new GetAuthorizationTokenCommand({ ...(registryId && { registryIds: [registryId] }) })
      )
      .catch(unknown)
    const data = output?.authorizationData?.[0]
    if (!data?.authorizationToken || !data.proxyEndpoint) return undefined
    return {
      url: data.proxyEndpoint.replace(/\/+$/, ''),
      authorization: `Basic ${data.authorizationToken}`
    }
  }
}

/** A registry-wide read that failed (denied, say): not known, unless the run is stopping. */
function unknown(error: unknown): undefined {
  if (!(error instanceof EcrError) || error.kind === 'cancelled') throw error
  return undefined
}
