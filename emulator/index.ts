// A faithful local Amazon ECR for tests, the demo and benchmarks. See emulator/README.md.
import { readFileSync } from 'node:fs'
import type { EmulatorSettings } from './context.js'
import type { FaultOptions } from './faults.js'
import { seedExample, type SeededExample } from './seed.js'
import { EmulatorServer, type RequestHook, type RequestLogEntry } from './server.js'
import { exportState, loadState, type StateFile } from './state.js'
import {
  PUBLIC_PARTITION,
  Store,
  tagsOf,
  type PublicRegistry,
  type Repository,
  type TagMutability
} from './store.js'

export type { FaultKind, FaultOptions, FaultRule } from './faults.js'
export type { HookReply, RequestHook, RequestInfo, RequestLogEntry } from './server.js'
export type { BuiltImage, ImageSpec, SeededExample } from './seed.js'
export type { StateFile } from './state.js'
export { buildChart, buildImage, buildIndex, buildReferrer, pushImage, tar } from './seed.js'
export { PUBLIC_PARTITION } from './store.js'

export interface EmulatorOptions {
  /** Default 0: an ephemeral port. The host is always 127.0.0.1. */
  port?: number
  /** Added to every request, concurrently (a sleep per request). */
  latencyMs?: number
  /** Access key id -> 12-digit account id; any other key is `defaultAccount`. */
  accounts?: Record<string, string>
  defaultAccount?: string
  /** InitiateLayerUpload's partSize; ECR answers 10 MiB. */
  partSize?: number
  /** Parts under this size are refused unless last; ECR's minimum is 5 MiB. */
  minPartSize?: number
  lockedSameDigest?: EmulatorSettings['lockedSameDigest']
  faults?: FaultOptions
  /** Operation -> requests per second, per account and region (token bucket). */
  quotas?: Partial<Record<string, number>>
  stateFile?: string
  /** Seed the example repositories in the default account, us-east-1. */
  seed?: boolean
}

const MiB = 1024 * 1024

/** Inspection and setup helpers over the emulator's state, for tests. */
export class EmulatorState {
  readonly store: Store
  readonly settings: EmulatorSettings
  constructor(store: Store, settings: EmulatorSettings) {
    this.store = store
    this.settings = settings
  }

  createRepository(
    registryId: string,
    region: string,
    name: string,
    options: { tagMutability?: TagMutability; exclusionFilters?: string[] } = {}
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

  exportState(): StateFile {
    return exportState(this.store)
  }

  loadState(state: StateFile): void {
    loadState(this.store, this.settings, state)
  }
}

export interface Emulator {
  url: string
  close(): Promise<void>
  /** Every HTTP request, faults and blob downloads included. */
  readonly log: RequestLogEntry[]
  /** Requests per operation since the last resetLog(). */
  counts(): Record<string, number>
  resetLog(): void
  setLatency(ms: number): void
  setFaults(faults: FaultOptions): void
  setQuotas(quotas: Partial<Record<string, number>>): void
  onRequest(hook: RequestHook | undefined): void
  /** Expires every registry pull token handed out so far. */
  expireRegistryTokens(): void
  /** Called after each request is answered (or dropped). */
  onResponse(listener: ((entry: RequestLogEntry) => void) | undefined): void
  state: EmulatorState
  seedExample(registryId?: string, region?: string): SeededExample
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings: EmulatorSettings = {
    lockedSameDigest: options.lockedSameDigest ?? 'ImageAlreadyExistsException',
    partSize: options.partSize ?? 10 * MiB,
    minPartSize: options.minPartSize ?? 5 * MiB
  }
  const store = new Store()
  const state = new EmulatorState(store, settings)
  if (options.stateFile)
    state.loadState(JSON.parse(readFileSync(options.stateFile, 'utf8')) as StateFile)
  const server = new EmulatorServer({
    ...(options.port !== undefined && { port: options.port }),
    ...(options.latencyMs !== undefined && { latencyMs: options.latencyMs }),
    ...(options.accounts && { accounts: options.accounts }),
    ...(options.defaultAccount && { defaultAccount: options.defaultAccount }),
    ...(options.faults && { faults: options.faults }),
    ...(options.quotas && { quotas: options.quotas }),
    settings,
    store
  })
  const defaultAccount = options.defaultAccount ?? '123456789012'
  if (options.seed) seedExample(store, settings, defaultAccount)
  const url = await server.listen()
  let listener: ((entry: RequestLogEntry) => void) | undefined
  server.on('request', (entry: RequestLogEntry) => listener?.(entry))
  return {
    url,
    close: () => server.close(),
    log: server.log,
    counts() {
      const counts: Record<string, number> = {}
      for (const entry of server.log) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1
      return counts
    },
    resetLog: () => void server.log.splice(0),
    setLatency: (ms) => void (server.latencyMs = ms),
    setFaults: (faults) => server.faults.configure(faults),
    setQuotas: (quotas) => server.quotas.configure(quotas),
    onRequest: (hook) => void (server.hook = hook),
    expireRegistryTokens: () => server.registry.expireTokens(),
    onResponse: (next) => void (listener = next),
    state,
    seedExample: (registryId = defaultAccount, region = 'us-east-1') =>
      seedExample(store, settings, registryId, region)
  }
}
