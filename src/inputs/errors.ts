/** Shows a user-supplied value safely: quoted, control characters escaped, long values cut short. */
export function quote(value: string, max = 120): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value
  const quoted = JSON.stringify(shown)
  const more = value.length > max ? ` (${value.length} characters)` : ''
  return quoted + more
}

/** A bad input, found before any AWS call. */
export class InputError extends Error {
  /** The input's name, as action.yml spells it. */
  readonly input: string
  /** What is wrong, without the input's name. */
  readonly detail: string
  constructor(input: string, message: string) {
    super(`Input "${input}": ${message}`)
    this.name = 'InputError'
    this.input = input
    this.detail = message
  }
}
