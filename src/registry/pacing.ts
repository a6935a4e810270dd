// Pacing to ECR's rate quotas: one token bucket per (registry, region, operation), shared by every
// call the run makes, so that ten writers in flight, or twenty images of a release, never send more
// than the account's quota allows. Throttling that still happens (other pipelines share the quota)
// halves the rate; successes bring it back.

/** ECR's documented default rates per account and region, in requests per second. */
export const ECR_DEFAULT_RATES: Readonly<Record<string, number>> = {
  PutImage: 10,
  BatchGetImage: 2_000,
  BatchCheckLayerAvailability: 1_000,
  GetDownloadUrlForLayer: 3_000,
  InitiateLayerUpload: 100,
  UploadLayerPart: 500,
  CompleteLayerUpload: 100,
  ListImageReferrers: 100,
  DescribeRepositories: 1_000,
  DescribeImages: 1_000,
  DescribeImageScanFindings: 1_000,
  DescribeImageSigningStatus: 100
}

/**
 * ECR Public's rates for authenticated callers (its quotas page: 10 per second for the layer and
 * image writes, 20 for the reads this action makes). Keys are ECR Public's operation names.
 */
export const ECR_PUBLIC_DEFAULT_RATES: Readonly<Record<string, number>> = {
  PutImage: 10,
  InitiateLayerUpload: 10,
  UploadLayerPart: 10,
  CompleteLayerUpload: 10,
  BatchCheckLayerAvailability: 10,
  DescribeImageTags: 10,
  DescribeImages: 10,
  DescribeRegistries: 10,
  GetAuthorizationToken: 10
}

/** A rate nobody documented: generous, so that only ECR's own throttling slows it down. */
const UNLISTED_RATE = 100
/** After throttling, never slower than this share of the configured rate, */
const MIN_SHARE = 1 / 16
/** or than one call a second, whichever is lower: a rate set far above what ECR allows (a quota
 * nobody raised) comes down to it. */
const MIN_RATE = 1

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/**
 * A token bucket holding one second's worth of requests (at least one) and starting full, so a
 * handful of calls go at once and a long run settles at the rate; multiplicative decrease on
 * throttling, additive increase on success. Its refill counts from the first answer: ECR's bucket
 * starts when ECR sees the first call, later than this one started, and a bucket ahead of ECR's
 * sends the call after the burst a few milliseconds before ECR has its token for it.
 */
export class RateLimiter {
  readonly configured: number
  private rate: number
  private tokens: number
  private at: number
  /** Callers waiting for a token, in order: a FIFO so no call starves behind later ones. */
  private queue: Promise<void> = Promise.resolve()
  /** Whether a call was answered yet: refill counts from then (see the class comment). */
  private anchored = false
  private readonly now: () => number
  private readonly sleep: Sleep

  constructor(rate: number, sleep: Sleep, now: () => number = () => performance.now()) {
    this.configured = rate
    this.rate = rate
    this.tokens = Math.max(1, rate)
    this.now = now
    this.at = now()
    this.sleep = sleep
  }

  get currentRate(): number {
    return this.rate
  }

  /** A second's worth of calls, and never less than one: below 1/s a bucket of `rate` never fills. */
  private get capacity(): number {
    return Math.max(1, this.rate)
  }

  private refill(): void {
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.rate)
    this.at = now
  }

  /** Waits for a token; `signal` gives up the wait (a cancelled run starts nothing new). */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        signal?.throwIfAborted()
        this.refill()
        if (this.tokens >= 1) {
          this.tokens -= 1
          return
        }
        await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000), signal)
      }
    })
    // The next caller waits for this one's turn, whatever became of it.
    this.queue = turn.catch(() => {})
    return turn
  }

  /** ECR said slow down: halve the rate, and spend what burst was left. */
  throttled(): void {
    this.refill()
    this.rate = Math.max(Math.min(this.configured * MIN_SHARE, MIN_RATE), this.rate / 2)
    this.tokens = Math.min(this.tokens, 0)
  }

  /**
   * An answered call: win back a twentieth of the configured rate, or a tenth of the current one
   * (at least half a call a second) when that is less, so that a rate configured far above ECR's
   * is not thrown straight back over it by one success.
   */
  succeeded(): void {
    if (!this.anchored) {
      // What accrued before ECR could have seen a call is not ECR's to give: drop it.
      this.anchored = true
      this.at = this.now()
    }
    if (this.rate < this.configured)
      this.rate = Math.min(
        this.configured,
        this.rate + Math.min(this.configured / 20, Math.max(0.5, this.rate / 10))
      )
  }
}

export interface PacingOptions {
  /** Requests per second by operation, over ECR's defaults (e.g. a raised PutImage quota). */
  rates?: Partial<Record<string, number>>
  /** ECR Public's, likewise. */
  publicRates?: Partial<Record<string, number>>
  sleep: Sleep
  /** Now, in milliseconds; the process's monotonic clock unless a test keeps its own. */
  now?: () => number
}

/** The limiters of one run, one per registry, region and operation, made on first use. */
export class Pacer {
  private readonly limiters = new Map<string, RateLimiter>()
  private readonly options: PacingOptions
  constructor(options: PacingOptions) {
    this.options = options
  }

  limiter(scope: { registry: string; region: string; operation: string; isPublic: boolean }) {
    const key = `${scope.isPublic ? 'public' : 'ecr'}/${scope.registry}/${scope.region}/${scope.operation}`
    let limiter = this.limiters.get(key)
    if (!limiter) {
      const rate = scope.isPublic
        ? (this.options.publicRates?.[scope.operation] ??
          ECR_PUBLIC_DEFAULT_RATES[scope.operation] ??
          UNLISTED_RATE)
        : (this.options.rates?.[scope.operation] ??
          ECR_DEFAULT_RATES[scope.operation] ??
          UNLISTED_RATE)
      limiter = new RateLimiter(rate, this.options.sleep, this.options.now)
      this.limiters.set(key, limiter)
    }
    return limiter
  }
}
