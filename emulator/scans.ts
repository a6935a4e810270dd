// Image scans as tests set them up (state.setScan) and as DescribeImageScanFindings reports them:
// the status, the findings (basic, or Amazon Inspector's enhanced ones), their severity counts and
// timestamps, in the shapes of ECR's model. A scan may complete after a delay (timeline.ts).
import { createHash } from 'node:crypto'
import { tagsOf, type Repository, type StoredImage } from './store.js'
import { checkTimeline, remaining, settle, type Evolving, type Timed } from './timeline.js'

/** ECR's ScanStatus values. */
export const SCAN_STATUSES = [
  'IN_PROGRESS',
  'COMPLETE',
  'FAILED',
  'UNSUPPORTED_IMAGE',
  'ACTIVE',
  'PENDING',
  'SCAN_ELIGIBILITY_EXPIRED',
  'FINDINGS_UNAVAILABLE',
  'LIMIT_EXCEEDED',
  'IMAGE_ARCHIVED'
] as const
export type ScanStatus = (typeof SCAN_STATUSES)[number]

/** Basic scanning's severities (FindingSeverity); enhanced findings add UNTRIAGED. */
const BASIC_SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNDEFINED']
const ENHANCED_SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED']

/** A Date, or an ISO 8601 string (as fixtures files hold them). */
export type Timestamp = Date | string

export interface BasicFinding {
  /** Usually a CVE id. */
  name?: string
  description?: string
  uri?: string
  /** Default UNDEFINED. */
  severity?: string
  attributes?: Array<{ key: string; value?: string }>
}

export interface VulnerablePackage {
  arch?: string
  epoch?: number
  filePath?: string
  name?: string
  packageManager?: string
  release?: string
  sourceLayerHash?: string
  version?: string
  fixedInVersion?: string
}

/** Amazon Inspector's finding, as EnhancedImageScanFinding; what is left out is filled as below. */
export interface EnhancedFinding {
  /** Default: the image's registry. */
  awsAccountId?: string
  description?: string
  /** Default: an inspector2 finding ARN, stable for the image and the finding's position. */
  findingArn?: string
  /** Default (with lastObservedAt and updatedAt): when the scan completed. */
  firstObservedAt?: Timestamp
  lastObservedAt?: Timestamp
  packageVulnerabilityDetails?: {
    vulnerabilityId?: string
    vulnerablePackages?: VulnerablePackage[]
    cvss?: Array<{ baseScore?: number; scoringVector?: string; source?: string; version?: string }>
    referenceUrls?: string[]
    relatedVulnerabilities?: string[]
    source?: string
    sourceUrl?: string
    vendorCreatedAt?: Timestamp
    vendorSeverity?: string
    vendorUpdatedAt?: Timestamp
  }
  remediation?: { recommendation?: { url?: string; text?: string } }
  /** Default: the image, as an AWS_ECR_CONTAINER_IMAGE resource. */
  resources?: Array<{
    details?: { awsEcrContainerImage?: Record<string, unknown> }
    id?: string
    tags?: Record<string, string>
    type?: string
  }>
  score?: number
  scoreDetails?: Record<string, unknown>
  /** Default UNTRIAGED. */
  severity?: string
  /** Default ACTIVE. */
  status?: string
  /** Default: the vulnerability id. */
  title?: string
  /** Default PACKAGE_VULNERABILITY. */
  type?: string
  updatedAt?: Timestamp
  /** YES, NO or PARTIAL. */
  fixAvailable?: string
  /** YES or NO. */
  exploitAvailable?: string
}

export interface ScanState {
  status: ScanStatus
  /** Default: ECR's wording for COMPLETE and ACTIVE; none otherwise. */
  description?: string
  /** BASIC or ENHANCED; default ENHANCED when `enhancedFindings` are given, else BASIC. */
  scanType?: 'BASIC' | 'ENHANCED'
  findings?: BasicFinding[]
  enhancedFindings?: EnhancedFinding[]
  /** Default: counted from the findings' severities (only severities that occur). */
  findingSeverityCounts?: Partial<Record<string, number>>
  /**
   * Default, for a finished scan (COMPLETE, or ACTIVE with findings): when it reached this state.
   * `null` leaves it out, as ECR's API allows (both fields are optional in its model).
   */
  imageScanCompletedAt?: Timestamp | null
  /** Default: imageScanCompletedAt. `null` leaves it out. */
  vulnerabilitySourceUpdatedAt?: Timestamp | null
}

/** A scan, possibly completing later: `{ status: 'IN_PROGRESS', completeAfterMs, then }`. */
export type ScanSpec = Evolving<ScanState>

/** What an unfinished scan becomes when its delay is up and it names no `then`. */
export const completedScan = (): ScanSpec => ({ status: 'COMPLETE' })

const DESCRIPTIONS: Partial<Record<ScanStatus, string>> = {
  COMPLETE: 'The scan was completed successfully.',
  ACTIVE: 'Continuous scan is selected for image.'
}

/** Refuses a scan ECR could not report, so a typo in a test fails loudly. */
export function checkScan(scan: ScanSpec): void {
  checkTimeline(scan, (state) => {
    if (!SCAN_STATUSES.includes(state.status))
      throw new Error(`unknown scan status ${String(state.status)}`)
    if (state.findings && state.enhancedFindings)
      throw new Error('a scan has basic findings or enhanced findings, not both')
    if (state.scanType === 'BASIC' && state.enhancedFindings)
      throw new Error('a BASIC scan has no enhanced findings')
    if (state.scanType === 'ENHANCED' && state.findings)
      throw new Error('an ENHANCED scan reports enhancedFindings')
    for (const finding of state.findings ?? [])
      if (finding.severity !== undefined && !BASIC_SEVERITIES.includes(finding.severity))
        throw new Error(`unknown basic finding severity ${finding.severity}`)
    for (const finding of state.enhancedFindings ?? [])
      if (finding.severity !== undefined && !ENHANCED_SEVERITIES.includes(finding.severity))
        throw new Error(`unknown enhanced finding severity ${finding.severity}`)
  })
}

const TIMESTAMP_KEYS = new Set([
  'firstObservedAt',
  'lastObservedAt',
  'updatedAt',
  'vendorCreatedAt',
  'vendorUpdatedAt',
  'pushedAt',
  'lastInUseAt'
])

/** Milliseconds since the epoch; numbers are the emulator's own times, already in milliseconds. */
const millis = (time: Timestamp | number): number =>
  typeof time === 'number' ? time : new Date(time).getTime()

/** JSON 1.1 timestamps are epoch seconds. */
export const seconds = (time: Timestamp | number): number => millis(time) / 1000

/** The value on the wire: every timestamp member, however deep, in epoch seconds. */
function wire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wire)
  if (value instanceof Date || typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      key,
      TIMESTAMP_KEYS.has(key) && member !== undefined ? seconds(member as Timestamp) : wire(member)
    ])
  )
}

function enhancedFinding(
  repository: Repository,
  image: StoredImage,
  finding: EnhancedFinding,
  index: number,
  /** When the scan completed, in ms. */
  observedAt: number
): Record<string, unknown> {
  const { registryId, region, name } = repository
  const id = createHash('sha256').update(`${image.digest}#${index}`).digest('hex').slice(0, 32)
  return wire({
    awsAccountId: registryId,
    findingArn: `arn:aws:inspector2:${region}:${registryId}:finding/${id}`,
    firstObservedAt: observedAt,
    lastObservedAt: observedAt,
    updatedAt: observedAt,
    resources: [
      {
        type: 'AWS_ECR_CONTAINER_IMAGE',
        id: `arn:aws:ecr:${region}:${registryId}:repository/${name}/${image.digest}`,
        details: {
          awsEcrContainerImage: {
            registry: registryId,
            repositoryName: name,
            imageHash: image.digest,
            imageTags: tagsOf(repository, image.digest),
            pushedAt: image.pushedAt.getTime()
          }
        }
      }
    ],
    severity: 'UNTRIAGED',
    status: 'ACTIVE',
    type: 'PACKAGE_VULNERABILITY',
    ...(finding.packageVulnerabilityDetails?.vulnerabilityId && {
      title: finding.packageVulnerabilityDetails.vulnerabilityId
    }),
    ...Object.fromEntries(Object.entries(finding).filter(([, member]) => member !== undefined))
  }) as Record<string, unknown>
}

const isEnhanced = (state: ScanState): boolean =>
  (state.scanType ?? (state.enhancedFindings ? 'ENHANCED' : 'BASIC')) === 'ENHANCED'

/** A scan that has results to date: COMPLETE, or continuous scanning that found something. */
function isFinished(state: ScanState): boolean {
  const found = (isEnhanced(state) ? state.enhancedFindings : state.findings) ?? []
  return state.status === 'COMPLETE' || (state.status === 'ACTIVE' && found.length > 0)
}

export interface RenderedScan {
  imageScanStatus: { status: ScanStatus; description?: string }
  /** imageScanFindings without its list of findings. */
  summary: Record<string, unknown>
  /** The list DescribeImageScanFindings pages through, and the member it goes in. */
  key: 'findings' | 'enhancedFindings'
  list: unknown[]
}

/** The scan in effect, in DescribeImageScanFindings' shapes. */
export function renderScan(
  repository: Repository,
  image: StoredImage,
  { state, since }: Timed<ScanState>
): RenderedScan {
  const enhanced = isEnhanced(state)
  const given = (enhanced ? state.enhancedFindings : state.findings) ?? []
  const finished = isFinished(state)
  const completedAt =
    state.imageScanCompletedAt === null
      ? undefined
      : state.imageScanCompletedAt !== undefined
        ? millis(state.imageScanCompletedAt)
        : finished
          ? since
          : undefined
  const sourceUpdatedAt =
    state.vulnerabilitySourceUpdatedAt === null
      ? undefined
      : state.vulnerabilitySourceUpdatedAt !== undefined
        ? millis(state.vulnerabilitySourceUpdatedAt)
        : completedAt
  const counts: Record<string, number> = {}
  for (const finding of given) {
    const severity = finding.severity ?? (enhanced ? 'UNTRIAGED' : 'UNDEFINED')
    counts[severity] = (counts[severity] ?? 0) + 1
  }
  const severityCounts = state.findingSeverityCounts ?? (given.length > 0 ? counts : undefined)
  const description = state.description ?? DESCRIPTIONS[state.status]
  return {
    imageScanStatus: { status: state.status, ...(description !== undefined && { description }) },
    summary: {
      ...(completedAt !== undefined && { imageScanCompletedAt: seconds(completedAt) }),
      ...(sourceUpdatedAt !== undefined && {
        vulnerabilitySourceUpdatedAt: seconds(sourceUpdatedAt)
      }),
      ...(severityCounts && { findingSeverityCounts: severityCounts })
    },
    // With nothing found, ECR reports an empty basic list even under enhanced scanning.
    key: enhanced && given.length > 0 ? 'enhancedFindings' : 'findings',
    list: enhanced
      ? (state.enhancedFindings ?? []).map((finding, index) =>
          enhancedFinding(repository, image, finding, index, completedAt ?? since)
        )
      : given.map(wire)
  }
}

/** Sets (or, with undefined, removes) the scan of an image; its delays count from `now`. */
export function putScan(
  repository: Repository,
  digest: string,
  scan: ScanSpec | undefined,
  now = Date.now()
): void {
  if (scan === undefined) return void repository.scans.delete(digest)
  checkScan(scan)
  repository.scans.set(digest, { state: structuredClone(scan), since: now })
}

/** The scan as it stands, to set again later (fixtures): what is left of a delay, times pinned. */
export function scanSnapshot(timed: Timed<ScanState>, now = Date.now()): ScanSpec {
  const settled = settle(timed, completedScan, now)
  const snapshot = remaining(settled, now)
  if (snapshot.imageScanCompletedAt !== undefined || !isFinished(snapshot)) return snapshot
  return { ...snapshot, imageScanCompletedAt: new Date(settled.since) }
}
