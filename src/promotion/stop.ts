// Stopping early: a cancelled step (SIGINT, then SIGTERM) or a run past its deadline starts no new
// write, gives the writes in flight a few seconds, and then abandons what is still running so the
// report can be written in time.

export interface Stop {
  /** Aborted once the run must stop: no new write is started from then on. */
  readonly stopping: AbortSignal
  /** Settles once the work in flight has had its grace; what still runs then is abandoned. */
  readonly graceOver: Promise<void>
  /** Why the run stopped, as the report says it: "cancelled (SIGINT)", "past its 10m deadline". */
  readonly reason: () => string
}

export const ABANDONED = Symbol('abandoned')

/** `work`, unless the run is stopping and its grace runs out first. */
export function withinGrace<T>(
  work: Promise<T>,
  stop: Stop | undefined
): Promise<T | typeof ABANDONED> {
  if (!stop) return work
  return Promise.race([work, stop.graceOver.then((): typeof ABANDONED => ABANDONED)])
}

/** A stop that never comes, for runs that cannot be stopped (tests of other things). */
export function stopsNever(): Stop {
  return {
    stopping: new AbortController().signal,
    graceOver: new Promise(() => {}),
    reason: () => 'not stopped'
  }
}

/**
 * A stop driven by whoever owns the process: `stop(reason)` starts it, and the grace runs out
 * `graceMs` later, or at once on `hurry()`.
 */
export function createStop(graceMs: number): Stop & { stop(reason: string): void; hurry(): void } {
  const controller = new AbortController()
  let why = ''
  let release: () => void = () => {}
  const graceOver = new Promise<void>((resolve) => (release = resolve))
  return {
    stopping: controller.signal,
    graceOver,
    reason: () => why,
    stop(reason) {
      if (controller.signal.aborted) return
      why = reason
      controller.abort(new Error(reason))
      setTimeout(release, graceMs).unref()
    },
    /** Ends the grace now: the runner is about to kill the process, and the report comes first. */
    hurry() {
      release()
    }
  }
}
