/**
 * Runs `task` over `items` with at most `limit` in flight, keeping results in input order. Once
 * `stopped()` is true no new item starts; those never started resolve to `skip(item)`.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
  options: { stopped?: () => boolean; skip?: (item: T) => R } = {}
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      const item = items[index]!
      if (options.stopped?.() && options.skip) {
        results[index] = options.skip(item)
        continue
      }
      results[index] = await task(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
