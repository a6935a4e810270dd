// The benchmark's parts, options and results: what run.ts measures and report.ts renders.
import type { GatesResult } from './gates.js'
import type { QuotaResult } from './quota.js'
import type { TlsResult } from './tls.js'

export const PARTS = ['startup', 'http', 'tls', 'quota', 'gates', 'copy'] as const
export type Part = (typeof PARTS)[number]

export interface BenchOptions {
  /** Which parts to run; default all. */
  parts?: Part[]
  tagCounts: number[]
  runs: number
  /** Runs of the CLI recipe per tag count (it takes about half a second per call). */
  recipeRuns: number
  latencyMs: number
  /** Total bytes of the big image's four layers; 0 to skip the copy. */
  copyBytes: number
  log?: (line: string) => void
  /** The bundled action's entry point; default dist/index.js. */
  entry?: string
  /** The CLI's entry point; default dist/cli/index.js, skipped when absent. */
  cliEntry?: string
  tls?: { rtts: number[]; tagCounts: number[]; runs: number }
  quota?: { tags: number; images: number; tagsPerImage: number; runs: number; matrix?: boolean }
  gates?: { runs: number }
}

export interface Promotion {
  tags: number
  action: { ms: number; calls: Record<string, number> }
  recipe?: { ms: number; calls: Record<string, number> }
  floor: { ms: number; roundTripsMs: number }
  afterStartupMs: number
  ratios: { recipeOverAction?: number; actionOverFloor: number; afterStartupOverRoundTrips: number }
}

export interface BenchResult {
  node: string
  cpus: number
  latencyMs: number
  runs: number
  /** The parts this run measured; the others' figures, if any, are from an earlier run. */
  parts: Part[]
  /** The machine's 1-minute load average when the run started and ended: other work skews it. */
  loadAverage?: { start: number; end: number }
  startup?: {
    nodeMs: number
    actionFailingMs: number
    coldStartOverNodeMs: number
    /** The CLI failing on a bad input, when dist/cli/index.js exists. */
    cliFailingMs?: number
    /** The AWS CLI failing on a missing argument (after loading its ECR model), when installed. */
    awsCliFailingMs?: number
    bundleBytes: number
    bundleGzipBytes: number
  }
  promotions?: Promotion[]
  /** `connections`: TCP connections the rerun opened (those opened ahead for writes included). */
  rerun?: { tags: number; ms: number; calls: Record<string, number>; connections: number }
  tls?: TlsResult
  quota?: QuotaResult
  gates?: GatesResult
  copy?: {
    bytes: number
    layers: number
    actionMs: number
    rawMs: number
    actionMiBps: number
    rawMiBps: number
    actionOverRaw: number
    peakRssMiB: number
    smallCopyPeakRssMiB: number
    calls: Record<string, number>
    /** The same copy with ECR's BLOB_MOUNTING on (earlier results lack it). */
    mounted?: {
      ms: number
      peakRssMiB: number
      /** The copy's time with mounting off over its time with mounting on. */
      copyOverMounted: number
      /** A minimal raw client mounting the same layers: one token, one POST per layer. */
      rawMs: number
      /** UploadLayerPart calls: 0 when every blob was mounted. */
      uploadParts: number
      calls: Record<string, number>
    }
  }
  targets: Array<{ target: string; value: string; met: boolean }>
  skipped: string[]
}
