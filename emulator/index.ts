// A faithful local Amazon ECR for tests, the demo and benchmarks. See emulator/README.md.
import { readFileSync } from 'node:fs'
import type { EmulatorSettings } from './context.js'
import { EmulatorState } from './emulator-state.js'
import type { FaultOptions } from './faults.js'
import type { ConnectionCounts } from './listener.js'
import type { QuotaSetting } from './quotas.js'
import { seedExample, type SeededExample } from './seed.js'
import { EmulatorServer, type RequestHook, type RequestLogEntry } from './server.js'
import type { StateFile } from './state.js'
import { Store } from './store.js'
import { createTlsMaterial, type TlsMaterial } from './tls.js'

export { EmulatorState } from './emulator-state.js'
export type { FaultKind, FaultOptions, FaultRule } from './faults.js'
export type { ConnectionCounts } from './listener.js'
export type { QuotaOptions, QuotaPreset, QuotaRates, QuotaSetting } from './quotas.js'
export { ECR_DEFAULT_QUOTAS, ECR_PUBLIC_DEFAULT_QUOTAS, QUOTA_PRESETS } from './quotas.js'
export type { BasicFinding, EnhancedFinding, ScanSpec, ScanState, ScanStatus } from './scans.js'
export type { HookReply, RequestHook, RequestInfo, RequestLogEntry } from './server.js'
export type { BuiltImage, ImageSpec, SeededExample } from './seed.js'
export type { SigningSpec, SigningState, SigningStatus } from './signing.js'
export type { StateFile } from './state.js'
export type { ArtifactStatus } from './store.js'
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
  /** How long a restore from archive takes here (1 s unless said). */
  restoreMs?: number
  /** How long managed signing takes after a push here (200 ms unless said). */
  signingMs?: number
  faults?: FaultOptions
  /** Rates per account, region and operation (token buckets), or 'ecr-defaults'. */
  quotas?: QuotaSetting
  /** The clock the quotas refill by, in milliseconds; the process's own unless a test runs it fast. */
  now?: () => number
  /** Serve HTTPS with a throwaway CA (made with openssl; its certificate is at `caFile`). */
  tls?: boolean
  stateFile?: string
  /** Seed the example repositories in the default account, us-east-1. */
  seed?: boolean
}

const MiB = 1024 * 1024

export interface Emulator {
  /** http://127.0.0.1:PORT, or https:// with `tls`. */
  url: string
  /** With `tls`: the PEM file of the CA that signed the server's certificate. */
  caFile?: string
  /** Shuts down promptly, destroying open sockets (stalled requests included). */
  close(): Promise<void>
  /** Every HTTP request, faults and blob downloads included. */
  readonly log: RequestLogEntry[]
  /** Requests per operation since the last resetLog(). */
  counts(): Record<string, number>
  /** ThrottlingException answers per operation since the last resetLog(), quota or injected. */
  throttled(): Record<string, number>
  /** TCP connections and TLS handshakes since the last resetLog(). */
  connections(): ConnectionCounts
  /** Clears the log and the connection counts. */
  resetLog(): void
  setLatency(ms: number): void
  setFaults(faults: FaultOptions): void
  /** Replaces the quotas; every bucket starts full again. */
  setQuotas(quotas: QuotaSetting): void
  onRequest(hook: RequestHook | undefined): void
  /** Expires every registry pull token handed out so far. */
  expireRegistryTokens(): void
  /** Called after each request is answered (or dropped, or stalled). */
  onResponse(listener: ((entry: RequestLogEntry) => void) | undefined): void
  state: EmulatorState
  seedExample(registryId?: string, region?: string): SeededExample
}

const tally = (entries: RequestLogEntry[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const entry of entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1
  return counts
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings: EmulatorSettings = {
    lockedSameDigest: options.lockedSameDigest ?? 'ImageAlreadyExistsException',
    partSize: options.partSize ?? 10 * MiB,
    minPartSize: options.minPartSize ?? 5 * MiB,
    restoreMs: options.restoreMs ?? 1_000,
    signingMs: options.signingMs ?? 200
  }
  const store = new Store()
  const state = new EmulatorState(store, settings)
  if (options.stateFile)
    state.loadState(JSON.parse(readFileSync(options.stateFile, 'utf8')) as StateFile)
  const tls: TlsMaterial | undefined = options.tls ? await createTlsMaterial() : undefined
  const server = new EmulatorServer({
    ...(options.port !== undefined && { port: options.port }),
    ...(options.latencyMs !== undefined && { latencyMs: options.latencyMs }),
    ...(options.accounts && { accounts: options.accounts }),
    ...(options.defaultAccount && { defaultAccount: options.defaultAccount }),
    ...(options.faults && { faults: options.faults }),
    ...(options.quotas && { quotas: options.quotas }),
    ...(options.now && { now: options.now }),
    ...(tls && { tls }),
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
    ...(tls && { caFile: tls.caFile }),
    close: () => server.close(),
    log: server.log,
    counts: () => tally(server.log),
    throttled: () => tally(server.log.filter((entry) => entry.errorType === 'ThrottlingException')),
    connections: () => server.connections(),
    resetLog() {
      server.log.splice(0)
      server.resetConnections()
    },
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
