// Stopping early: a cancelled step (SIGINT, then SIGTERM) or a run past its deadline starts no new
// write, gives the writes in flight a few seconds, and then abandons what is still running so the
// report can be written in time.

export interface Stop {
  /** Aborted once the run must stop: no new write is started from then on. */
  readonly stopping: AbortSignal
  /** Settles once the work in flight has had its grace; what still runs then is abandoned. */
  readonly graceOver: Promise<void>
  /** Aborted once the process is about to be ended (the runner's SIGTERM after its SIGINT): even a
   * rollback's write is not sent from then on. */
  readonly hurried: AbortSignal
  /** Why the run stopped, as the report says it: "cancelled (SIGINT)", "past its 10m deadline". */
  readonly reason: () => string
  /**
   * How long reading back the writes a stop left unconfirmed may still take: a few seconds in the
   * grace, and after a hurry only what leaves time to write the report before the process must exit.
   */
  readonly readBackMs: () => number
}

/** A stopping run reads back what it could not confirm for this long at most. */
export const READ_BACK_WHEN_STOPPING_MS = 2_000
/** What writing the report (outputs, summary, record) is given before the process must exit. */
export const REPORT_MS = 500

export const ABANDONED = Symbol('abandoned')

/** `work`, unless the run is stopping and its grace runs out first. */
export function withinGrace<T>(
  work: Promise<T>,
  stop: Stop | undefined
): Promise<T | typeof ABANDONED> {
  if (!stop) return work
  return Promise.race([work, stop.graceOver.then((): typeof ABANDONED => ABANDONED)])
}

/**
 * Settles once a read-back started now has had its time: READ_BACK_WHEN_STOPPING_MS, or less once a
 * hurry leaves only enough to write the report. Checked every few milliseconds, so a hurry that
 * comes while the read-back is under way still shortens it.
 */
export function readBackTimeUp(
  stop: Stop,
  now: () => number = () => performance.now()
): Promise<void> {
  const started = now()
  return new Promise((resolve) => {
    const check = (): void => {
      if (stop.readBackMs() <= 0 || now() - started >= READ_BACK_WHEN_STOPPING_MS) resolve()
      else setTimeout(check, 25).unref()
    }
    check()
  })
}

/**
 * Settles once only the time to write the report is left: never before a hurry. What a stopping
 * run still does after its grace (a rollback) is abandoned then.
 */
export function exitNear(stop: Stop): Promise<void> {
  return new Promise((resolve) => {
    const last = (): void => void setTimeout(resolve, stop.readBackMs()).unref()
    if (stop.hurried.aborted) last()
    else stop.hurried.addEventListener('abort', last, { once: true })
  })
}

/** A stop that never comes, for runs that cannot be stopped (tests of other things). */
export function stopsNever(): Stop {
  return {
    stopping: new AbortController().signal,
    graceOver: new Promise(() => {}),
    hurried: new AbortController().signal,
    reason: () => 'not stopped',
    readBackMs: () => READ_BACK_WHEN_STOPPING_MS
  }
}

/**
 * A stop driven by whoever owns the process: `stop(reason)` starts it, and the grace runs out
 * `graceMs` later, or at once on `hurry()`, after which the process has `lastCallMs` to report.
 */
export function createStop(
  graceMs: number,
  lastCallMs = Infinity,
  now: () => number = () => performance.now()
): Stop & { stop(reason: string): void; hurry(): void } {
  const controller = new AbortController()
  const hurried = new AbortController()
  let why = ''
  let release: () => void = () => {}
  let exitAt = Infinity
  const graceOver = new Promise<void>((resolve) => (release = resolve))
  return {
    stopping: controller.signal,
    graceOver,
    hurried: hurried.signal,
    reason: () => why,
    readBackMs: () => Math.max(0, Math.min(READ_BACK_WHEN_STOPPING_MS, exitAt - REPORT_MS - now())),
    stop(reason) {
      if (controller.signal.aborted) return
      why = reason
      controller.abort(new Error(reason))
      setTimeout(release, graceMs).unref()
    },
    /** Ends the grace now: the runner is about to kill the process, and the report comes first. */
    hurry() {
      exitAt = Math.min(exitAt, now() + lastCallMs)
      hurried.abort(new Error('the process is about to be ended'))
      release()
    }
  }
}
