// The benchmark harness in its smallest case, so it keeps working between benchmark runs: one tag,
// one run, no latency, no CLI recipe, no copy. It asserts what the harness measured (calls, shapes),
// never how fast anything was: timing belongs to `npm run bench`.
import { expect, test } from '@jest/globals'
import { join } from 'node:path'
import { renderTable, runBench } from '../bench/run.js'
import { TEST_BUNDLE } from '../scripts/build-test-bundle.js'

test('the harness measures a promotion, a rerun and the cold start, and reports them', async () => {
  const result = await runBench({
    tagCounts: [1],
    runs: 1,
    recipeRuns: 0,
    latencyMs: 0,
    copyBytes: 0,
    entry: join(TEST_BUNDLE, 'index.js')
  })
  expect(result.promotions).toHaveLength(1)
  const [promotion] = result.promotions
  expect(promotion!.action.calls).toEqual({
    BatchGetImage: 1,
    DescribeRepositories: 1,
    PutImage: 1
  })
  expect(promotion!.recipe).toBeUndefined()
  expect(promotion!.floor.roundTripsMs).toBeGreaterThan(0)
  expect(result.rerun.calls).toEqual({ BatchGetImage: 1, DescribeRepositories: 1 })
  expect(result.startup.bundleBytes).toBeGreaterThan(result.startup.bundleGzipBytes)
  expect(result.copy).toBeUndefined()
  expect(result.targets.map((target) => target.target)).toEqual([
    'calls, 1 tag(s): 1 + 1 reads + 1',
    'calls on a rerun: 2 reads in one round trip',
    'cold start over bare node: ≤ 130 ms'
  ])
  const table = renderTable(result)
  expect(table).toContain('| 1 | ')
  expect(table).toContain('Rerun with nothing to change (10 tags)')
  expect(table).toContain(
    '| calls on a rerun: 2 reads in one round trip | {"BatchGetImage":1,"DescribeRepositories":1} | yes |'
  )
}, 60_000)
