// What every stage of a promotion is given: the registry, the log, and how the run is stopped,
// paced and timed.
import type { CopyOptions } from '../copy/index.js'
import type { Registry } from '../registry/index.js'
import type { PollOptions } from './gates/index.js'
import type { Log } from './log.js'
import type { Stop } from './stop.js'

export interface Dependencies {
  registry: Registry
  log: Log
  copy?: CopyOptions
  /** How the run is stopped early (a cancelled step, a deadline); unset: it is not. */
  stop?: Stop
  /** The clock the gates poll a scan with; tests make it fast. */
  poll?: PollOptions
  /** PutImage calls in flight at once (default 10): what the PutImage rate's burst allows. */
  writesInFlight?: number
}
