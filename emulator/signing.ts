// ECR managed signing's result per image, as tests set it up (state.setSigningStatus) and as
// DescribeImageSigningStatus reports it: one status per AWS Signer signing profile.
import type { Repository } from './store.js'
import { checkTimeline, type Evolving, type Timed } from './timeline.js'

export const SIGNING_STATUSES = ['IN_PROGRESS', 'COMPLETE', 'FAILED'] as const
export type SigningStatus = (typeof SIGNING_STATUSES)[number]

/** ImageSigningStatus.signingProfileArn's pattern and length in ECR's model. */
const SIGNING_PROFILE_ARN =
  /^arn:aws(-[a-z]+)*:signer:[a-z0-9-]+:[0-9]{12}:\/signing-profiles\/[a-zA-Z0-9_]{2,}$/

export interface SigningState {
  /** e.g. arn:aws:signer:us-east-1:123456789012:/signing-profiles/ecr_signing */
  signingProfileArn: string
  status: SigningStatus
  /** Only with FAILED, as in ECR's model. */
  failureCode?: string
  failureReason?: string
}

/** A signing status, possibly finishing later: `{ status: 'IN_PROGRESS', completeAfterMs, then }`. */
export type SigningSpec = Evolving<SigningState>

/** What signing in progress becomes when its delay is up and it names no `then`. */
export const completedSigning = (current: SigningSpec): SigningSpec => ({
  signingProfileArn: current.signingProfileArn,
  status: 'COMPLETE'
})

/** Refuses a status ECR could not report, so a typo in a test fails loudly. */
export function checkSigning(spec: SigningSpec): void {
  checkTimeline(spec, (state) => {
    if (!SIGNING_STATUSES.includes(state.status))
      throw new Error(`unknown signing status ${String(state.status)}`)
    if (
      typeof state.signingProfileArn !== 'string' ||
      state.signingProfileArn.length > 200 ||
      !SIGNING_PROFILE_ARN.test(state.signingProfileArn)
    )
      throw new Error(`not a Signer signing profile ARN: ${String(state.signingProfileArn)}`)
    if (state.status !== 'FAILED' && (state.failureCode ?? state.failureReason) !== undefined)
      throw new Error('failureCode and failureReason come only with FAILED')
  })
}

/** The status in effect, as ImageSigningStatus. */
export function renderSigning({ state }: Timed<SigningState>): Record<string, unknown> {
  return {
    signingProfileArn: state.signingProfileArn,
    status: state.status,
    ...(state.failureCode !== undefined && { failureCode: state.failureCode }),
    ...(state.failureReason !== undefined && { failureReason: state.failureReason })
  }
}

/** Sets (or, with undefined, removes) an image's signing statuses; delays count from `now`. */
export function putSigning(
  repository: Repository,
  digest: string,
  statuses: SigningSpec[] | undefined,
  now = Date.now()
): void {
  if (statuses === undefined) return void repository.signing.delete(digest)
  statuses.forEach(checkSigning)
  repository.signing.set(
    digest,
    statuses.map((state) => ({ state: structuredClone(state), since: now }))
  )
}
