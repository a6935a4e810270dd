// The committed bundle must be exactly what `npm run bundle` makes of the source: a stale dist/
// would ship old code to every user.
import { expect, test } from '@jest/globals'
import { execSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

test('dist/ matches a fresh build of src/', () => {
  const script = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
  ).scripts.bundle!
  expect(script).toContain('--out dist')
  const out = mkdtempSync(join(tmpdir(), 'ecr-promote-dist-'))
  try {
    execSync(script.replace('--out dist', `--out ${out}`), {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` }
    })
    const built = readdirSync(out).sort()
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(built)
    for (const file of built) {
      const fresh = readFileSync(join(out, file))
      const committed = readFileSync(join(root, 'dist', file))
      if (!fresh.equals(committed))
        throw new Error(`dist/${file} is stale: run npm run bundle and commit dist/`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}, 120_000)
