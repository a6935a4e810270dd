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

/** Model constraint violations come back as ValidationException, as AWS JSON services answer them. */
export const validation = (field: string, value: unknown, constraint: string): ServiceError =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`
  )
