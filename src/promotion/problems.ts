// The one way a Problem is made: a refusal by a guard or gate, or a failure, each saying whether a
// rerun alone can get past it in the one field that says so (`retryable: false`: it cannot).
import type { Problem } from './types.js'

/** A guard or gate refused, as designed: a rerun alone gives the same answer. */
export function refusal(title: string, message: string, tag?: string): Problem {
  return { title, ...(tag !== undefined && { tag }), message, retryable: false }
}

/**
 * The run failed before any write: a source or target that is not there or denied (a rerun alone
 * will not help), or ECR not answering or the run stopped (it may).
 */
export function failure(title: string, message: string, retryable: boolean): Problem {
  return { title, message, failed: true, ...(!retryable && { retryable: false as const }) }
}
