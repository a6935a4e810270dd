// The committed bundle must be exactly what `npm run bundle` makes of the source: a stale dist/
// would ship old code to every user. Jest's global setup has just bundled the source afresh.
import { expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TEST_BUNDLE } from '../scripts/build-test-bundle.js'

const root = new URL('..', import.meta.url).pathname

test('dist/ matches a fresh build of src/', () => {
  const built = readdirSync(TEST_BUNDLE).sort()
  expect(readdirSync(join(root, 'dist')).sort()).toEqual(built)
  for (const file of built) {
    const fresh = readFileSync(join(TEST_BUNDLE, file))
    const committed = readFileSync(join(root, 'dist', file))
    if (!fresh.equals(committed))
      throw new Error(`dist/${file} is stale: run npm run bundle and commit dist/`)
  }
})
