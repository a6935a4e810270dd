/** An error answered by ECR (or met on the way there), reduced to what the action reasons about. */
export class EcrError extends Error {
  /** ECR's error type (`ImageTagAlreadyExistsException`, ...) or the SDK's name for a local failure. */
  readonly code: string
  readonly httpStatus: number | undefined
  readonly attempts: number
  readonly requestId: string | undefined
  constructor(
    code: string,
    message: string,
    details: { httpStatus?: number; attempts?: number; requestId?: string } = {}
  ) {
    super(message)
    this.name = 'EcrError'
    this.code = code
    this.httpStatus = details.httpStatus
    this.attempts = details.attempts ?? 1
    this.requestId = details.requestId
  }
}

/**
 * An error whose message is final: it says what happened and what to do, in words a release
 * engineer reads. Every layer throws it once it has explained a failure, so the faces print it as is.
 */
export class ExplainedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExplainedError'
  }
}
