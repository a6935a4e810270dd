// The rate limiter on a simulated clock: the rate it settles at, throttling that slows it down
// (however far, it still grants tokens), successes that win the rate back, callers served in turn,
// and a wait given up when the run stops.
import { describe, expect, test } from '@jest/globals'
import { RateLimiter, type Sleep } from '../src/registry/pacing.js'

/** A clock that moves only when the limiter sleeps; a limiter that would wait forever fails. */
function simulatedClock() {
  let now = 0
  const sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted()
    now += ms
    if (now > 3_600_000) throw new Error('an hour of waiting and still no token')
  }
  return { now: () => now, sleep }
}

async function acquireMany(limiter: RateLimiter, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await limiter.acquire()
}

describe('RateLimiter', () => {
  test('a second of burst, then close to the rate and never over it', async () => {
    const clock = simulatedClock()
    const limiter = new RateLimiter(10, clock.sleep, clock.now)
    await acquireMany(limiter, 10)
    expect(clock.now()).toBe(0)
    await acquireMany(limiter, 100)
    // 100 more at 10 per second: ten seconds, and no more than a tenth over.
    expect(clock.now()).toBeGreaterThanOrEqual(10_000)
    expect(clock.now()).toBeLessThan(11_000)
  })

  test('throttled down to its floor, below one a second, it still grants every token', async () => {
    const clock = simulatedClock()
    const limiter = new RateLimiter(10, clock.sleep, clock.now)
    for (let i = 0; i < 10; i++) limiter.throttled()
    expect(limiter.currentRate).toBe(10 / 16)
    await acquireMany(limiter, 5)
    // Five tokens at 0.625 a second: about eight seconds, not forever.
    expect(clock.now()).toBeGreaterThan(7_000)
    expect(clock.now()).toBeLessThan(10_000)
  })

  test('answered calls win the rate back, up to the configured rate and no further', () => {
    const clock = simulatedClock()
    const limiter = new RateLimiter(10, clock.sleep, clock.now)
    limiter.throttled()
    expect(limiter.currentRate).toBe(5)
    for (let i = 0; i < 10; i++) limiter.succeeded()
    expect(limiter.currentRate).toBe(10)
    limiter.succeeded()
    expect(limiter.currentRate).toBe(10)
  })

  test('serves callers in the order they asked, and a stopped wait gives up', async () => {
    const clock = simulatedClock()
    const limiter = new RateLimiter(1, clock.sleep, clock.now)
    const order: number[] = []
    const stop = new AbortController()
    const waits = [1, 2, 3].map((n) =>
      limiter.acquire(n === 3 ? stop.signal : undefined).then(() => order.push(n))
    )
    stop.abort(new Error('the run was cancelled'))
    await Promise.allSettled(waits)
    expect(order).toEqual([1, 2])
    await expect(waits[2]).rejects.toThrow('the run was cancelled')
  })
})

describe('a rate set far above what ECR allows', () => {
  test('comes down to ECR’s rate under throttling, and one success does not throw it back over', () => {
    const clock = simulatedClock()
    const limiter = new RateLimiter(1000, clock.sleep, clock.now)
    for (let i = 0; i < 8; i++) limiter.throttled()
    // 1000 halved eight times: under ECR's default 10 a second, where a 1/16 floor held it at 62.5.
    expect(limiter.currentRate).toBeLessThan(10)
    for (let i = 0; i < 20; i++) limiter.throttled()
    expect(limiter.currentRate).toBe(1)
    const before = limiter.currentRate
    limiter.succeeded()
    expect(limiter.currentRate).toBeLessThanOrEqual(before + 0.5)
  })
})
