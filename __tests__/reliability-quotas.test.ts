// ECR's rate quotas switched on in the local ECR (PutImage 10 per second per account and region, the
// other operations at their documented defaults): a thousand tags land, paced, in one run, and
// throttling that other callers cause slows the run down instead of failing it. The quotas and the
// action's pacing keep one clock, which runs twenty times faster than the wall's: a hundred seconds
// of ECR's quota pass in five.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage } from '../emulator/index.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
/** Twenty seconds of the quotas' and the pacing's time for every second of the wall's. */
const WARP = 20
const started = performance.now()
const clock = {
  now: (): number => started + (performance.now() - started) * WARP,
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    sleep(ms / WARP, undefined, { signal })
}
// A round trip of 20 ms on the wall is 400 ms on the shared clock: ten writes in flight still
// answer 25 a second, over the quota's 10.
const emulator = useEmulator({
  inProcess: true,
  quotas: 'ecr-defaults',
  latencyMs: 20,
  now: clock.now
})

describe("under ECR's default rate quotas", () => {
  test('1,000 tags at PutImage 10 per second all land, with next to no throttling', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'quota/app')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    // Untagged, so that the thousand new tags are all ECR allows it to carry.
    pushImage(repository, image, emulator.state.settings)
    const tags = Array.from({ length: 1000 }, (_, i) => `q${i}`)
    const begun = clock.now()
    const run = await runAction(
      {
        repository: repository.name,
        'source-digest': image.digest,
        tags: tags.join(','),
        region: REGION
      },
      {},
      { registry: { clock } }
    )
    const seconds = (clock.now() - begun) / 1000
    expect(run.exitCode).toBe(0)
    expect(run.result?.tags.every((tag) => tag.status === 'created')).toBe(true)
    for (const tag of tags) expect(repository.tags.get(tag)).toBe(image.digest)
    const throttled = emulator.throttled().PutImage ?? 0
    expect(throttled / emulator.counts().PutImage!).toBeLessThan(0.02)
    // Paced: at 10 a second after the first second's burst, never faster than the quota. (How close
    // to the quota's floor it comes is the benchmark's to say, not a test's.)
    expect(seconds).toBeGreaterThan(98)
  }, 60_000)

  test('throttling by another caller on the same quota slows the run down, and it still finishes', async () => {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, 'quota/shared')
    const image = buildImage({ files: { 'bin/app': randomBytes(256) } })
    pushImage(repository, image, emulator.state.settings, ['staging'])
    // Another pipeline's writes come first and use up the bucket.
    emulator.setFaults({ rules: [{ kind: 'throttling', count: 5, operations: ['PutImage'] }] })
    const tags = Array.from({ length: 20 }, (_, i) => `s${i}`)
    const run = await runAction(
      {
        repository: repository.name,
        'source-tag': 'staging',
        tags: tags.join(','),
        region: REGION
      },
      {},
      { registry: { retryDelay: () => 10, clock } }
    )
    expect(run.exitCode).toBe(0)
    for (const tag of tags) expect(repository.tags.get(tag)).toBe(image.digest)
    expect(run.stdout).toContain('throttled on attempt')
  }, 60_000)
})
