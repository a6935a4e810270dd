// States that turn into others after a delay, as a scan completes or managed signing finishes:
// `{ status: 'IN_PROGRESS', completeAfterMs: 2000, then: { status: 'COMPLETE', ... } }`. Settled
// lazily when read, so no timer outlives the emulator.

export type Evolving<T> = T & {
  /** After this long in this state (from when it was set, or reached), it becomes `then`. */
  completeAfterMs?: number
  then?: Evolving<T>
}

/** A state and the wall-clock time (ms) it took effect. */
export interface Timed<T> {
  state: Evolving<T>
  since: number
}

/** The state in effect at `now`; `next` gives what a state with no `then` becomes. */
export function settle<T>(
  timed: Timed<T>,
  next: (current: Evolving<T>) => Evolving<T>,
  now = Date.now()
): Timed<T> {
  let { state, since } = timed
  while (state.completeAfterMs !== undefined && now - since >= state.completeAfterMs) {
    since += state.completeAfterMs
    state = state.then ?? next(state)
  }
  return { state, since }
}

/** The settled state as it could be set again later: its delay shortened by the time already spent. */
export function remaining<T>(timed: Timed<T>, now = Date.now()): Evolving<T> {
  const { state, since } = timed
  if (state.completeAfterMs === undefined) return state
  return { ...state, completeAfterMs: Math.max(0, state.completeAfterMs - (now - since)) }
}

export function checkTimeline<T>(state: Evolving<T>, check: (state: Evolving<T>) => void): void {
  const seen = new Set<Evolving<T>>()
  for (let at: Evolving<T> | undefined = state; at; at = at.then) {
    if (seen.has(at)) throw new Error('a state cannot come back to itself through `then`')
    seen.add(at)
    check(at)
    if (
      at.completeAfterMs !== undefined &&
      (!Number.isFinite(at.completeAfterMs) || at.completeAfterMs < 0)
    )
      throw new Error(`completeAfterMs must be a number of milliseconds, got ${at.completeAfterMs}`)
    if (at.then && at.completeAfterMs === undefined)
      throw new Error('a state with `then` needs `completeAfterMs`')
  }
}
