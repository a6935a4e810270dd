// A second, independent client: the AWS CLI drives the same semantics through --endpoint-url.
import { describe, expect, test } from '@jest/globals'
import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildImage, pushImage } from '../index.js'
import { ACCOUNT, REGION, useEmulator } from './helpers.js'

const hasCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0
const run = promisify(execFile)
const context = useEmulator()

async function aws(...args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      'aws',
      [
        'ecr',
        ...args,
        '--endpoint-url',
        context.emulator.url,
        '--region',
        REGION,
        '--output',
        'json'
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: 'AKIDCLI',
          AWS_SECRET_ACCESS_KEY: 'cli-secret',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent'
        }
      }
    )
    return { ok: true, stdout, stderr }
  } catch (error) {
    const failure = error as { stdout: string; stderr: string }
    return { ok: false, stdout: failure.stdout, stderr: failure.stderr }
  }
}

describe(
  hasCli
    ? 'the AWS CLI against the emulator'
    : 'the AWS CLI against the emulator (skipped: `aws` is not installed; apt-get install awscli)',
  () => {
    const maybe = hasCli ? test : test.skip
    maybe(
      'creates a repository, retags by digest, reads back, and meets immutability',
      async () => {
        expect((await aws('create-repository', '--repository-name', 'cli/app')).ok).toBe(true)
        const repository = context.emulator.state.repository(ACCOUNT, REGION, 'cli/app')
        const image = buildImage({ files: { app: randomBytes(64) }, format: 'docker' })
        const other = buildImage({ files: { app: randomBytes(64) }, format: 'docker' })
        pushImage(repository, image, context.emulator.state.settings, ['staging'])
        pushImage(repository, other, context.emulator.state.settings)

        const got = await aws(
          'batch-get-image',
          '--repository-name',
          'cli/app',
          '--image-ids',
          'imageTag=staging'
        )
        const manifest = (JSON.parse(got.stdout) as { images: Array<{ imageManifest: string }> })
          .images[0]!.imageManifest
        expect(manifest).toBe(image.manifest)

        const dir = mkdtempSync(join(tmpdir(), 'ecr-cli-'))
        writeFileSync(join(dir, 'manifest.json'), manifest)
        const put = await aws(
          'put-image',
          '--repository-name',
          'cli/app',
          '--image-tag',
          'prod',
          '--image-digest',
          image.digest,
          '--image-manifest',
          `file://${join(dir, 'manifest.json')}`
        )
        expect(put.ok).toBe(true)
        expect(JSON.parse(put.stdout).image.imageId).toEqual({
          imageDigest: image.digest,
          imageTag: 'prod'
        })

        const wrongDigest = await aws(
          'put-image',
          '--repository-name',
          'cli/app',
          '--image-tag',
          'x',
          '--image-digest',
          other.digest,
          '--image-manifest',
          `file://${join(dir, 'manifest.json')}`
        )
        expect(wrongDigest.stderr).toContain('ImageDigestDoesNotMatchException')

        expect(
          (
            await aws(
              'put-image-tag-mutability',
              '--repository-name',
              'cli/app',
              '--image-tag-mutability',
              'IMMUTABLE'
            )
          ).ok
        ).toBe(true)
        writeFileSync(join(dir, 'other.json'), other.manifest)
        const locked = await aws(
          'put-image',
          '--repository-name',
          'cli/app',
          '--image-tag',
          'prod',
          '--image-manifest',
          `file://${join(dir, 'other.json')}`
        )
        expect(locked.ok).toBe(false)
        expect(locked.stderr).toContain('ImageTagAlreadyExistsException')
        expect(repository.tags.get('prod')).toBe(image.digest)
      },
      30_000
    )
  }
)
