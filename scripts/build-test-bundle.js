// Jest's global setup: bundle the current source exactly as `npm run bundle` does, into .build/dist
// (the action) and .build/dist/cli (the command line), so the suites that run the bundles test this
// source, not whatever dist/ was last built from.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const root = new globalThis.URL('..', import.meta.url).pathname
export const TEST_BUNDLE = join(root, '.build', 'dist')

/** The bundle script's ncc builds: each one's arguments, and the folder under dist/ it writes. */
export function bundleSteps(script) {
  return script.split('&&').map((step) => {
    const [command, ...args] = step.trim().split(/\s+/)
    const out = args.indexOf('--out') + 1
    if (command !== 'ncc' || args[0] !== 'build' || out === 0 || !/^dist(\/|$)/.test(args[out]))
      throw new Error(`unexpected bundle script step: ${step.trim()}`)
    return { args, out, folder: args[out].replace(/^dist\/?/, '') }
  })
}

export default async function buildTestBundle() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.bundle
  const steps = bundleSteps(script)
  rmSync(TEST_BUNDLE, { recursive: true, force: true })
  // ncc empties its whole --out folder of scripts, and the command line's is inside the action's:
  // each builds apart, at once, and goes into place afterwards, outer folders first.
  const staging = (i) => join(root, '.build', `staging-${i}`)
  await Promise.all(
    steps.map(({ args, out }, i) => {
      rmSync(staging(i), { recursive: true, force: true })
      const command = args.map((arg, j) => (j === out ? staging(i) : arg))
      return promisify(execFile)(join(root, 'node_modules', '.bin', 'ncc'), command, { cwd: root })
    })
  )
  const placed = steps.map((step, i) => ({ ...step, from: staging(i) }))
  for (const { folder, from } of placed.sort((a, b) => a.folder.length - b.folder.length)) {
    const target = join(TEST_BUNDLE, folder)
    mkdirSync(join(target, '..'), { recursive: true })
    renameSync(from, target)
  }
}
