// What npm users get: the project packed as it is published (`files` decides what goes in),
// installed into an empty folder with no registry to reach (a dependency would fail the install),
// and run with `npx`, so a broken `bin`, `files`, dependency list or bundle shows before it ships.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { useEmulator } from '../../__fixtures__/emulator.js'
import { runCommand } from './run.js'

const root = new URL('../..', import.meta.url).pathname
/** The budget docs/cli.md states: what `npm install` downloads, and what it unpacks. */
const PACKED_BUDGET = 1024 * 1024
const UNPACKED_BUDGET = 4 * 1024 * 1024

const emulator = useEmulator({ seed: true })
// Nothing but the tarball: no registry answers (a refused port, no retries), and npm is offline.
const OFFLINE = {
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_offline: 'true',
  npm_config_fetch_retries: '0',
  npm_config_cache: '',
  npm_config_loglevel: 'error',
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false'
}
// The shebang finds `node` on PATH, as on a user's machine: this one, Node 24.
const PATH = `${dirname(process.execPath)}:${process.env.PATH}`
const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)('npm', args, { cwd, env: { ...process.env, ...env } })

interface Packed {
  filename: string
  size: number
  unpackedSize: number
  files: Array<{ path: string }>
}
let tarball: Packed
let app: string

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-promote-pack-'))
  const { stdout } = await npm(['pack', '--json', '--pack-destination', dir], root, {
    npm_config_loglevel: 'error'
  })
  tarball = (JSON.parse(stdout) as Packed[])[0]!
  app = join(dir, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "private": true }\n')
  // A fresh cache, so nothing a previous install left can stand in for the registry.
  await npm(
    ['install', join(dir, tarball.filename), '--no-package-lock', '--ignore-scripts'],
    app,
    { ...OFFLINE, npm_config_cache: join(dir, 'cache') }
  )
}, 60_000)

describe('the npm package', () => {
  test('holds the command line bundle, its licences, README and CHANGELOG, and nothing else', () => {
    const packed = tarball.files.map((file) => file.path)
    expect(packed).toEqual(
      expect.arrayContaining([
        'dist/cli/index.js',
        'dist/cli/package.json',
        'dist/cli/licenses.txt',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'package.json'
      ])
    )
    const besides = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/
    expect(packed.filter((path) => !path.startsWith('dist/cli/') && !besides.test(path))).toEqual(
      []
    )
    // The bundle's licence file names the libraries it holds.
    const licences = readFileSync(join(root, 'dist/cli/licenses.txt'), 'utf8')
    for (const name of ['@aws-sdk/client-ecr', '@aws-sdk/client-ecr-public', 'yaml', 'ajv'])
      expect(licences).toMatch(new RegExp(`^${name}\\n`, 'm'))
  })

  test('stays within its size budget', () => {
    expect(tarball.size).toBeLessThan(PACKED_BUDGET)
    expect(tarball.unpackedSize).toBeLessThan(UNPACKED_BUDGET)
  })

  test('is public and installs no dependency', async () => {
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules/ecr-promote/package.json'), 'utf8')
    ) as Record<string, unknown>
    expect(manifest.private).toBeUndefined()
    expect(manifest.dependencies).toBeUndefined()
    expect(manifest.bin).toEqual({ 'ecr-promote': 'dist/cli/index.js' })
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => name !== '.bin')
    expect(installed.filter((name) => !name.startsWith('.'))).toEqual(['ecr-promote'])
    const { stdout } = await npm(['ls', '--all', '--omit=dev', '--json'], app, OFFLINE)
    const tree = JSON.parse(stdout) as {
      dependencies: Record<string, { dependencies?: object }>
    }
    expect(Object.keys(tree.dependencies)).toEqual(['ecr-promote'])
    expect(tree.dependencies['ecr-promote']!.dependencies).toBeUndefined()
  })

  test('runs with npx: --version, --help and a promotion', async () => {
    const npx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runCommand(args, { ...OFFLINE, ...env, PATH }, ['npx', 'ecr-promote'], app)
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string
    }
    const shown = await npx(['--version'])
    expect(shown).toMatchObject({ exitCode: 0, stdout: `ecr-promote ${version}\n` })

    const help = await npx(['--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toMatch(/^Usage: ecr-promote /)

    const promoted = await npx(
      ['--repository=demo/app', '--source-tag=staging', '--tags=packed', '--json'],
      emulator.env
    )
    expect(promoted.exitCode).toBe(0)
    expect(JSON.parse(promoted.stdout)).toMatchObject({
      status: 'promoted',
      tags: [{ tag: 'packed', status: 'created', previousDigest: null }]
    })
    expect(emulator.counts().PutImage).toBe(1)
  })
})
