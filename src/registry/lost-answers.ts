// A write whose answer was lost, then retried, may hear that what it wrote is there already. Which
// write made it, this run's lost attempt or someone else's, is read from when ECR says it was made.

/** How far a runner's clock may be from ECR's, when a time ECR gives is compared with it. */
const CLOCK_ALLOWANCE_MS = 5_000

/**
 * Whether something ECR says was made at `madeAt` (ms since the epoch) was made by a call first sent
 * at `sentAt`: no earlier than it, allowing for the clocks. False when the time is not known.
 */
export function madeSince(madeAt: number | undefined, sentAt: number): boolean {
  return madeAt !== undefined && madeAt >= sentAt - CLOCK_ALLOWANCE_MS
}
