/** Shows a user-supplied value safely: quoted, control characters escaped, long values cut short. */
export function quote(value: string, max = 120): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value
  const quoted = JSON.stringify(shown)
  const more = value.length > max ? ` (${value.length} characters)` : ''
  return quoted + more
}

/** A bad input, found before any AWS call. */
export class InputError extends Error {
  readonly input: string
  constructor(input: string, message: string) {
    super(`Input "${input}": ${message}`)
    this.name = 'InputError'
    this.input = input
  }
}

/** A promotion that cannot go on; the message says what happened and what to do. */
export class PromotionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PromotionError'
  }
}

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
