// The benchmark harness in its smallest case, so it keeps working between benchmark runs: every part
// once, one tag, one run, a short RTT, a handful of tags under the quota model, no CLI recipe, no
// copy. It asserts what the harness measured (calls, connections, shapes), never how fast anything
// was: timing belongs to `npm run bench`.
import { expect, test } from '@jest/globals'
import { join } from 'node:path'
import { partsFrom, renderTable, runBench } from '../bench/run.js'
import { TEST_BUNDLE } from '../scripts/build-test-bundle.js'

const PROMOTION = {
  BatchGetImage: 1,
  DescribeImages: 1,
  DescribeRepositories: 1,
  GetLifecyclePolicy: 1,
  GetSigningConfiguration: 1,
  PutImage: 1
}

test('--only names the parts to run, and nothing else', () => {
  expect(partsFrom(['--only', 'tls,quota'])).toEqual(['tls', 'quota'])
  expect(partsFrom([])).toEqual(['startup', 'http', 'tls', 'quota', 'gates', 'copy'])
  expect(() => partsFrom(['--only', 'tls,fast'])).toThrow(/--only takes parts among/)
})

test('the harness measures every part and reports them', async () => {
  const result = await runBench({
    parts: ['startup', 'http', 'tls', 'quota', 'gates'],
    tagCounts: [1],
    runs: 1,
    recipeRuns: 0,
    latencyMs: 0,
    copyBytes: 0,
    entry: join(TEST_BUNDLE, 'index.js'),
    cliEntry: join(TEST_BUNDLE, 'cli', 'index.js'),
    tls: { rtts: [10], tagCounts: [1], runs: 1 },
    quota: { tags: 12, images: 2, tagsPerImage: 2, runs: 1 },
    gates: { runs: 1 }
  })
  expect(result.parts).toEqual(['startup', 'http', 'tls', 'quota', 'gates'])
  expect(result.startup!.bundleBytes).toBeGreaterThan(result.startup!.bundleGzipBytes)

  const [promotion] = result.promotions!
  expect(promotion!.action.calls).toEqual(PROMOTION)
  expect(promotion!.recipe).toBeUndefined()
  expect(promotion!.floor.roundTripsMs).toBeGreaterThan(0)
  expect(result.rerun!.calls).toEqual({
    BatchGetImage: 1,
    DescribeImages: 1,
    DescribeRepositories: 1,
    GetLifecyclePolicy: 1,
    GetSigningConfiguration: 1
  })

  // Over TLS: the same calls, and the connections the five reads together need, no more.
  const [row] = result.tls!.rows
  expect(row!.action.calls).toEqual(PROMOTION)
  expect(row!.actionNoPreconnect.calls).toEqual(PROMOTION)
  expect(row!.floor.connections.tcp).toBe(5)
  expect(row!.handshakesNeeded).toBe(5)
  for (const contender of [row!.action, row!.actionNoPreconnect]) {
    expect(contender.connections.tcp).toBe(5)
    expect(contender.connections.tlsFull + contender.connections.tlsResumed).toBe(5)
  }
  if (row!.standin) expect(row!.standin.calls).toEqual({ BatchGetImage: 1, PutImage: 1 })

  // Under the quota model: every tag written, no step failed.
  const quota = result.quota!
  expect(quota.manyTags.calls.PutImage! - quota.manyTags.throttled).toBe(12)
  expect(quota.release.failed).toBe(0)
  expect(quota.release.calls.PutImage! - quota.release.throttled).toBe(4)
  expect(quota.matrix?.failed).toBe(0)

  // With every gate on, each gate asks ECR once for the image; none with no gate.
  const gates = result.gates!
  const none = gates.across.find((c) => c.gates === 'none')!
  const all = gates.across.find((c) => c.gates === 'all three')!
  expect(none.calls.DescribeImageScanFindings).toBeUndefined()
  expect(all.calls).toMatchObject({
    DescribeImageScanFindings: 1,
    DescribeImageSigningStatus: 1,
    ListImageReferrers: 1,
    PutImage: 1
  })
  expect(gates.inPlace.map((c) => c.gates)).toEqual(gates.across.map((c) => c.gates))

  expect(result.targets.map((target) => target.target)).toEqual(
    expect.arrayContaining([
      'calls, 1 tag(s): 5 reads + 1',
      'calls on a rerun: 5 reads in one round trip',
      '12 tags at PutImage 10/s: wall / floor ≤ 1.15',
      'release 2 × 2: wall / floor ≤ 1.2',
      'cold start over bare node: ≤ 130 ms'
    ])
  )
  const table = renderTable(result)
  expect(table).toContain('| 1 | ')
  expect(table).toContain('Rerun with nothing to change (10 tags)')
  expect(table).toContain('| 10 ms | 1 |')
  expect(table).toContain(
    '| calls on a rerun: 5 reads in one round trip | {"BatchGetImage":1,"DescribeImages":1,"DescribeRepositories":1,"GetLifecyclePolicy":1,"GetSigningConfiguration":1} | yes |'
  )
}, 120_000)
