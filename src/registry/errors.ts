/**
 * What a failure means for the run: `permanent` will fail again however often it is tried (access
 * denied, an immutable tag, the tag limit); `throttled`, `transient` and `timeout` outlasted the
 * retries and may pass on a rerun; `cancelled` was stopped by a signal or the deadline, and
 * `not-sent` never left this machine.
 */
export type FailureKind =
  'permanent' | 'throttled' | 'transient' | 'timeout' | 'cancelled' | 'not-sent'

/** Shapes of credentials that must never reach a log, a summary or an output. */
/** A secret access key: 40 characters of base64, in both cases and with digits (so never a
 * repository name, which is lower case). */
const secretKey = (run: string): string =>
  /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run) ? '[redacted secret]' : run

/** Shapes of credentials that must never reach a log, a summary or an output, and their stand-ins. */
const CREDENTIAL_SHAPES: ReadonlyArray<[RegExp, (match: string, kept?: string) => string]> = [
  // Access key ids: long-term (AKIA) and temporary (ASIA), and the other AWS id prefixes.
  [
    /\b(?:AKIA|ASIA|AROA|AIDA|AGPA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    () => '[redacted key id]'
  ],
  // Signed URLs' and headers' secrets.
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, (_, name) => `${name}[redacted]`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_, scheme) => `${scheme} [redacted]`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, () => '[redacted token]'],
  // Session tokens: long runs of base64, longer than any digest.
  [/[A-Za-z0-9/+=]{100,}/g, () => '[redacted token]'],
  [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, secretKey]
]

/** Text from AWS with anything shaped like a credential replaced, before it is shown anywhere. */
export function redact(text: string): string {
  return CREDENTIAL_SHAPES.reduce((out, [shape, by]) => out.replace(shape, by), text)
}

/** An error answered by ECR (or met on the way there), reduced to what the action reasons about. */
export class EcrError extends Error {
  /** ECR's error type (`ImageTagAlreadyExistsException`, ...) or the SDK's name for a local failure. */
  readonly code: string
  readonly httpStatus: number | undefined
  readonly attempts: number
  /** Attempts whose answer never came (no answer in time, or the connection dropped): they may
   * have taken effect, so a write that then fails as "already there" may have been this call's. */
  readonly unanswered: number
  readonly requestId: string | undefined
  readonly kind: FailureKind
  /** InvalidLayerPartException: how far ECR has the upload (a replayed part is already there). */
  readonly lastValidByteReceived: number | undefined
  constructor(
    code: string,
    message: string,
    details: {
      httpStatus?: number
      attempts?: number
      unanswered?: number
      requestId?: string
      kind?: FailureKind
      lastValidByteReceived?: number
    } = {}
  ) {
    super(redact(message))
    this.name = 'EcrError'
    this.code = code
    this.httpStatus = details.httpStatus
    this.attempts = details.attempts ?? 1
    this.unanswered = details.unanswered ?? 0
    this.requestId = details.requestId
    this.kind = details.kind ?? 'permanent'
    this.lastValidByteReceived = details.lastValidByteReceived
  }
}

/** An answer that the image is not in the repository, as undefined; any other failure as it is. */
export function imageNotFound(error: unknown): undefined {
  if (error instanceof EcrError && error.code === 'ImageNotFoundException') return undefined
  throw error
}

/** Failures a rerun may get past: the fault was the network's or ECR's load, not the request. */
export function mayPassOnRerun(error: EcrError): boolean {
  return error.kind !== 'permanent'
}

/**
 * An error whose message is final: it says what happened and what to do, in words a release
 * engineer reads. Every layer throws it once it has explained a failure, so the faces print it as is.
 */
export class ExplainedError extends Error {
  /** Whether running the same step again may succeed (false: something must change first). */
  readonly retryable: boolean
  /** ECR's error type that it explains, when it explains one (`RepositoryNotFoundException`). */
  readonly code: string | undefined
  constructor(message: string, retryable = false, code?: string) {
    super(message)
    this.name = 'ExplainedError'
    this.retryable = retryable
    this.code = code
  }
}
