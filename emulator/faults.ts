// Fault injection: throttling, server errors, dropped connections and stalls, for a share of
// requests (from a seeded generator, so runs repeat), for a burst of the next N, or for the Nth
// request, optionally per operation.

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
  /** The request is accepted and never answered: the connection stays open, silent. */
  | 'stall'

export interface FaultRule {
  kind: FaultKind
  /** Share of matching requests, 0..1. */
  rate?: number
  /** The next this many matching requests; with `nth`, this many from the Nth on. */
  count?: number
  /** Only the Nth matching request (1-based), counted from when the rule is set. */
  nth?: number
  /** Only these operations (e.g. `PutImage`, `BlobDownload`, `registry:GetBlob`); default all. */
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

interface ActiveRule extends FaultRule {
  /** Matching requests seen so far. */
  seen: number
  /** Faults left to inject, for `count` rules. */
  left?: number
}

function checkRule(rule: FaultRule): void {
  if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1))
    throw new Error(`fault rule nth must be a whole number from 1, got ${rule.nth}`)
  if (rule.nth !== undefined && rule.rate !== undefined)
    throw new Error('a fault rule takes nth or rate, not both')
}

export class Faults {
  private rules: ActiveRule[] = []
  private random: () => number = generator(1)

  configure(options: FaultOptions = {}): void {
    const rules = options.rules ?? []
    rules.forEach(checkRule)
    this.rules = rules.map((rule) => ({
      ...rule,
      seen: 0,
      ...(rule.count !== undefined && { left: rule.count })
    }))
    this.random = generator(options.seed ?? 1)
  }

  /** The fault to inject into this request, if any: the first rule that fires. */
  pick(operation: string): FaultKind | undefined {
    let picked: FaultKind | undefined
    for (const rule of this.rules) {
      if (rule.operations && !rule.operations.includes(operation)) continue
      // Every matching request counts towards `nth`, whichever rule answers it.
      rule.seen++
      if (picked === undefined && this.fires(rule)) picked = rule.kind
    }
    return picked
  }

  private fires(rule: ActiveRule): boolean {
    if (rule.nth !== undefined)
      return rule.seen >= rule.nth && rule.seen < rule.nth + (rule.count ?? 1)
    if (rule.left !== undefined) {
      if (rule.left <= 0) return false
      rule.left--
      return true
    }
    return rule.rate !== undefined && this.random() < rule.rate
  }
}
