// Jest's global setup: bundle the current source exactly as `npm run bundle` does, into .build/dist,
// so the suites that run the bundled action test this source, not whatever dist/ was last built from.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new globalThis.URL('..', import.meta.url).pathname
export const TEST_BUNDLE = join(root, '.build', 'dist')

export default function buildTestBundle() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.bundle
  const args = script.split(/\s+/)
  if (args[0] !== 'ncc' || !script.includes('--out dist'))
    throw new Error(`unexpected bundle script: ${script}`)
  rmSync(TEST_BUNDLE, { recursive: true, force: true })
  const out = args.map((arg, i) => (args[i - 1] === '--out' ? TEST_BUNDLE : arg))
  execFileSync(join(root, 'node_modules', '.bin', 'ncc'), out.slice(1), {
    cwd: root,
    stdio: 'pipe'
  })
}
