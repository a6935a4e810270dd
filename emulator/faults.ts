// Fault injection: throttling, server errors and dropped connections, for a share of requests (from
// a seeded generator, so runs repeat) or for a burst of the next N, optionally per operation.

export type FaultKind =
  /** ThrottlingException, HTTP 400, "Rate exceeded". */
  | 'throttling'
  /** HTTP 429 with ThrottlingException. */
  | 'too-many-requests'
  | 'limit-exceeded'
  /** ServerException, HTTP 500. */
  | 'server-error'
  /** HTTP 503 ServiceUnavailable. */
  | 'unavailable'
  /** The connection is destroyed before the request is applied. */
  | 'drop'
  /** The request is applied, then the connection is destroyed: the caller never hears it worked. */
  | 'drop-after'

export interface FaultRule {
  kind: FaultKind
  /** Share of matching requests, 0..1. */
  rate?: number
  /** The next this many matching requests. */
  count?: number
  /** Only these operations (e.g. `PutImage`); default all. */
  operations?: string[]
}

export interface FaultOptions {
  rules?: FaultRule[]
  /** Seed for `rate` decisions; the same seed gives the same faults for the same request sequence. */
  seed?: number
}

/** mulberry32: small, fast and good enough to spread faults evenly. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Faults {
  private rules: Array<FaultRule & { left?: number }> = []
  private random: () => number = generator(1)

  configure(options: FaultOptions = {}): void {
    this.rules = (options.rules ?? []).map((rule) => ({
      ...rule,
      ...(rule.count !== undefined && { left: rule.count })
    }))
    this.random = generator(options.seed ?? 1)
  }

  /** The fault to inject into this request, if any. */
  pick(operation: string): FaultKind | undefined {
    for (const rule of this.rules) {
      if (rule.operations && !rule.operations.includes(operation)) continue
      if (rule.left !== undefined) {
        if (rule.left > 0) {
          rule.left--
          return rule.kind
        }
        continue
      }
      if (rule.rate !== undefined && this.random() < rule.rate) return rule.kind
    }
    return undefined
  }
}

/** ECR-like request quotas: a token bucket per account, region and operation. */
export class Quotas {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private limits: Partial<Record<string, number>> = {}

  configure(limits: Partial<Record<string, number>> = {}): void {
    this.limits = limits
    this.buckets.clear()
  }

  /** False when the request is over the operation's rate. */
  take(account: string, region: string, operation: string, now = performance.now()): boolean {
    const rate = this.limits[operation]
    if (rate === undefined) return true
    const key = `${account}/${region}/${operation}`
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now }
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
