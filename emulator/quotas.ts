// ECR-like request quotas: a token bucket per account, region and operation. Past the rate, ECR
// answers HTTP 400 ThrottlingException "Rate exceeded". Opt-in: explicit rates, or the preset of
// ECR's and ECR Public's documented defaults.

/** Operation (`PutImage`, `ecr-public:PutImage`) -> requests per second. */
export type QuotaRates = Partial<Record<string, number>>

/**
 * ECR's default rate quotas per account and region ("Amazon ECR service quotas"). ECR documents
 * no rate for the scanning and signing calls (DescribeImageScanFindings,
 * DescribeImageSigningStatus), so the preset leaves them unlimited.
 */
export const ECR_DEFAULT_QUOTAS: Readonly<Record<string, number>> = Object.freeze({
  BatchCheckLayerAvailability: 1000,
  BatchGetImage: 2000,
  CompleteLayerUpload: 100,
  GetAuthorizationToken: 500,
  GetDownloadUrlForLayer: 3000,
  InitiateLayerUpload: 100,
  PutImage: 10,
  UploadLayerPart: 500
})

/**
 * ECR Public's own defaults ("Amazon ECR Public service quotas"), keyed as the request log names
 * its calls. Its pull rates (authenticated 10/s, unauthenticated 1/s) are not modelled.
 */
export const ECR_PUBLIC_DEFAULT_QUOTAS: Readonly<Record<string, number>> = Object.freeze({
  'ecr-public:BatchCheckLayerAvailability': 200,
  'ecr-public:CompleteLayerUpload': 10,
  'ecr-public:GetAuthorizationToken': 200,
  'ecr-public:InitiateLayerUpload': 10,
  'ecr-public:PutImage': 10,
  'ecr-public:UploadLayerPart': 260
})

export const QUOTA_PRESETS = {
  'ecr-defaults': { ...ECR_DEFAULT_QUOTAS, ...ECR_PUBLIC_DEFAULT_QUOTAS }
} as const
export type QuotaPreset = keyof typeof QUOTA_PRESETS

export interface QuotaOptions {
  rates: QuotaRates | QuotaPreset
  /**
   * Bucket size in seconds of the rate (default 1): how many requests a full bucket lets through
   * at once is rate × burstSeconds, at least 1. Buckets start full.
   */
  burstSeconds?: number
  /** Bucket size per operation, in requests; overrides burstSeconds. */
  burst?: Partial<Record<string, number>>
}

/** What `quotas` takes: rates, a preset's name, or rates with an explicit burst. */
export type QuotaSetting = QuotaRates | QuotaPreset | QuotaOptions

function options(setting: QuotaSetting | undefined): QuotaOptions {
  if (setting === undefined) return { rates: {} }
  if (typeof setting === 'string' || !('rates' in setting)) return { rates: setting as QuotaRates }
  return setting as QuotaOptions
}

function checkPositive(what: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0))
    throw new Error(`${what} must be a positive number, got ${value}`)
}

export class Quotas {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private rates: QuotaRates = {}
  private burstSeconds = 1
  private burst: Partial<Record<string, number>> = {}

  configure(setting?: QuotaSetting): void {
    const { rates, burstSeconds = 1, burst = {} } = options(setting)
    if (typeof rates === 'string' && !(rates in QUOTA_PRESETS))
      throw new Error(
        `unknown quota preset ${rates}; known: ${Object.keys(QUOTA_PRESETS).join(', ')}`
      )
    const resolved: QuotaRates = typeof rates === 'string' ? QUOTA_PRESETS[rates] : rates
    for (const [operation, rate] of Object.entries(resolved)) checkPositive(operation, rate)
    for (const [operation, size] of Object.entries(burst)) checkPositive(`burst ${operation}`, size)
    checkPositive('burstSeconds', burstSeconds)
    this.rates = resolved
    this.burstSeconds = burstSeconds
    this.burst = burst
    this.buckets.clear()
  }

  /** The most requests the operation's bucket holds. */
  capacity(operation: string): number | undefined {
    const rate = this.rates[operation]
    if (rate === undefined) return undefined
    return this.burst[operation] ?? Math.max(1, rate * this.burstSeconds)
  }

  /** False when the request is over the operation's rate. */
  take(account: string, region: string, operation: string, now = performance.now()): boolean {
    const rate = this.rates[operation]
    const capacity = this.capacity(operation)
    if (rate === undefined || capacity === undefined) return true
    const key = `${account}/${region}/${operation}`
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
