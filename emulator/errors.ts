/** An error ECR answers with: HTTP 400 (500 for ServerException) and `{"__type", "message"}`. */
export class ServiceError extends Error {
  readonly type: string
  readonly status: number
  /** Further members of the error body, as some ECR errors carry (lastValidByteReceived). */
  readonly extra: Record<string, unknown>
  constructor(
    type: string,
    message: string,
    status = type === 'ServerException' ? 500 : 400,
    extra: Record<string, unknown> = {}
  ) {
    super(message)
    this.name = type
    this.type = type
    this.status = status
    this.extra = extra
  }
}

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError('InvalidParameterException', message)

/**
 * A model constraint violation. ECR validates requests itself and answers InvalidParameterException
 * (not the AWS framework's ValidationException), worded as in "Invalid parameter at 'imageIds'
 * failed to satisfy constraint: 'Member must have length less than or equal to 100'".
 */
export const invalidMember = (field: string, constraint: string): ServiceError =>
  invalidParameter(`Invalid parameter at '${field}' failed to satisfy constraint: '${constraint}'`)
