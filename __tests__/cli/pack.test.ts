// What npm users get: the project packed as it would be published (`files` decides what goes in),
// installed into an empty folder, and its bin run from there, so a broken `bin`, `files` or bundle
// shows here before it ships.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { useEmulator } from '../../__fixtures__/emulator.js'
import { runCommand } from './run.js'

const root = new URL('../..', import.meta.url).pathname
const emulator = useEmulator({ seed: true })
const npm = (args: string[], cwd: string) =>
  promisify(execFile)('npm', args, {
    cwd,
    env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' }
  })
// The shebang finds `node` on PATH, as on a user's machine: this one, Node 24.
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`

let packed: string[]
let bin: string
let app: string

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-promote-pack-'))
  const { stdout } = await npm(['pack', '--json', '--pack-destination', dir], root)
  const [tarball] = JSON.parse(stdout) as Array<{
    filename: string
    files: Array<{ path: string }>
  }>
  packed = tarball!.files.map((file) => file.path)
  app = join(dir, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "private": true }\n')
  // npm installs the package's `dependencies` too (from the cache, as `npm ci` left it); the
  // bundle needs none of them, which is checked by removing them before it runs.
  await npm(
    [
      'install',
      join(dir, tarball!.filename),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--ignore-scripts'
    ],
    app
  )
  const modules = join(app, 'node_modules')
  for (const name of readdirSync(modules))
    if (name !== 'ecr-promote' && name !== '.bin')
      rmSync(join(modules, name), { recursive: true, force: true })
  bin = join(modules, '.bin', 'ecr-promote')
}, 60_000)

describe('the npm package', () => {
  test('holds the command line bundle and nothing of the source', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/cli/index.js', 'dist/cli/package.json']))
    // Beside the bundle, only what npm always packs.
    const always = /^(package\.json|README(\.md)?|LICEN[CS]E(\.\w+)?)$/i
    expect(packed.filter((path) => !path.startsWith('dist/cli/') && !always.test(path))).toEqual([])
  })

  test('installs a bin that runs alone, started through its shebang', async () => {
    const help = await runCommand(['--help'], { PATH }, [bin], app)
    expect(help.stderr).toBe('')
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toMatch(/^Usage: ecr-promote /)

    const dryRun = await runCommand(
      ['--repository=demo/app', '--source-tag=staging', '--tags=packed', '--dry-run', '--json'],
      { ...emulator.env, PATH },
      [bin],
      app
    )
    expect(dryRun.exitCode).toBe(0)
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      status: 'dry-run',
      tags: [{ tag: 'packed', status: 'would-create', previousDigest: null }]
    })
    expect(emulator.counts().PutImage).toBeUndefined()
  })
})
