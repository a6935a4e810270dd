import { describe, expect, test } from '@jest/globals'
import { mapLimit } from '../src/registry/concurrency.js'

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('mapLimit', () => {
  test('keeps at most `limit` tasks in flight and results in input order', async () => {
    let inFlight = 0
    let most = 0
    const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      most = Math.max(most, ++inFlight)
      await tick(n)
      inFlight--
      return n * 10
    })
    expect(results).toEqual([50, 10, 40, 20, 30, 0])
    expect(most).toBe(2)
  })

  test('skips what has not started once stopped', async () => {
    let stop = false
    const results = await mapLimit(
      [1, 2, 3, 4],
      1,
      async (n) => {
        if (n === 2) stop = true
        return `done ${n}`
      },
      { stopped: () => stop, skip: (n) => `skipped ${n}` }
    )
    expect(results).toEqual(['done 1', 'done 2', 'skipped 3', 'skipped 4'])
  })

  test('on an error, starts nothing new and throws once the tasks in flight have settled', async () => {
    const finished: number[] = []
    const started: number[] = []
    const run = mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n)
      if (n === 1) throw new Error('first failed')
      await tick(20)
      finished.push(n)
      return n
    })
    await expect(run).rejects.toThrow('first failed')
    expect(started).toEqual([1, 2])
    expect(finished).toEqual([2])
  })
})
