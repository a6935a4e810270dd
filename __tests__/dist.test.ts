// The committed bundles must be exactly what `npm run bundle` makes of the source: a stale dist/
// would ship old code to every user. Jest's global setup has just bundled the source afresh: the
// action into .build/dist, the command line into .build/dist/cli.
import { expect, test } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { TEST_BUNDLE } from '../scripts/build-test-bundle.js'

const root = new URL('..', import.meta.url).pathname

/** Every file under `dir`, as paths relative to it. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort()

test('dist/ matches a fresh build of src/, the command line in dist/cli/ included', () => {
  const built = files(TEST_BUNDLE)
  expect(built).toContain('cli/index.js')
  expect(files(join(root, 'dist'))).toEqual(built)
  for (const file of built) {
    const fresh = readFileSync(join(TEST_BUNDLE, file))
    const committed = readFileSync(join(root, 'dist', file))
    if (!fresh.equals(committed))
      throw new Error(`dist/${file} is stale: run npm run bundle and commit dist/`)
  }
})
