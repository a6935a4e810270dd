/**
 * Runs `task` over `items` with at most `limit` in flight, keeping results in input order. Once
 * `stopped()` is true no new item starts; those never started resolve to `skip(item)`. When a task
 * throws, no new item starts either, and the first error is thrown once the tasks in flight have
 * settled, so nothing is left running behind the caller's back.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
  options: { stopped?: () => boolean; skip?: (item: T) => R } = {}
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { error: unknown } | undefined
  async function worker(): Promise<void> {
    while (next < items.length && !failure) {
      const index = next++
      const item = items[index]!
      if (options.stopped?.() && options.skip) {
        results[index] = options.skip(item)
        continue
      }
      try {
        results[index] = await task(item)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure) throw failure.error
  return results
}
