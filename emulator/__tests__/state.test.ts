// State: fixtures files in and out, the seeded example images, and the command line.
import { BatchGetImageCommand, ListImageReferrersCommand } from '@aws-sdk/client-ecr'
import { describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startEmulator, type StateFile } from '../index.js'
import { ACCOUNT, REGION, client, sha256, useEmulator } from './helpers.js'
import { emulatorEnvironment } from '../../__fixtures__/actions.js'
import { runCommand } from '../../__tests__/cli/run.js'

const context = useEmulator({ seed: true })

describe('the seeded example', () => {
  test('is valid state: every image readable, its digest the sha256 of its manifest', async () => {
    const example = context.emulator.seedExample()
    const ecr = client(context.emulator)
    const app = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: example.repositories.app,
        imageIds: [
          { imageTag: 'staging' },
          { imageTag: 'multiarch' },
          ...example.index.children.map((child) => ({ imageDigest: child.digest }))
        ]
      })
    )
    expect(app.failures).toEqual([])
    for (const image of app.images!)
      expect(sha256(image.imageManifest!)).toBe(image.imageId!.imageDigest)
    expect(app.images![0]!.imageId!.imageDigest).toBe(example.image.digest)
    expect(app.images![1]!.imageManifestMediaType).toBe('application/vnd.oci.image.index.v1+json')

    const referrers = await ecr.send(
      new ListImageReferrersCommand({
        repositoryName: example.repositories.app,
        subjectId: { imageDigest: example.image.digest }
      })
    )
    expect(referrers.referrers!.map((referrer) => referrer.digest)).toEqual([
      example.signature.digest
    ])

    const chart = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: example.repositories.charts,
        imageIds: [{ imageTag: '0.1.0' }]
      })
    )
    expect(JSON.parse(chart.images![0]!.imageManifest!).mediaType).toBeUndefined()
    expect(chart.images![0]!.imageManifestMediaType).toBe(
      'application/vnd.oci.image.manifest.v1+json'
    )
    expect(
      context.emulator.state.tagDigest(ACCOUNT, REGION, example.repositories.immutable, 'v1.0.0')
    ).toBe(example.image.digest)
  })

  test('has real layers: gzip of a tar whose config lists their uncompressed digests', () => {
    const example = context.emulator.seedExample()
    const [config, layer] = example.image.blobs
    const tar = gunzipSync(layer!.bytes)
    expect(tar.subarray(0, 9).toString()).toBe('bin/hello')
    expect(tar.subarray(257, 262).toString()).toBe('ustar')
    expect(tar.length % 512).toBe(0)
    expect(JSON.parse(config!.bytes.toString()).rootfs.diff_ids).toEqual([sha256(tar)])
  })
})

describe('fixtures files', () => {
  test('export and load back into a fresh emulator, through the same checks as the API', async () => {
    const exported = context.emulator.state.exportState()
    const dir = mkdtempSync(join(tmpdir(), 'ecr-emulator-'))
    const file = join(dir, 'state.json')
    writeFileSync(file, JSON.stringify(exported))
    const copy = await startEmulator({ stateFile: file })
    try {
      expect(copy.state.exportState()).toEqual(exported)
      const example = context.emulator.seedExample()
      expect(copy.state.tagDigest(ACCOUNT, REGION, example.repositories.app, 'multiarch')).toBe(
        example.index.digest
      )
      expect(
        copy.state.repository(ACCOUNT, REGION, example.repositories.immutable).tagMutability
      ).toBe('IMMUTABLE')
    } finally {
      await copy.close()
    }
  })

  test('refuse a blob whose bytes do not match its digest, and an image whose blobs are missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-emulator-'))
    const bad: StateFile = {
      repositories: [
        {
          registryId: ACCOUNT,
          region: REGION,
          name: 'bad',
          blobs: { [sha256('one')]: Buffer.from('two').toString('base64') }
        }
      ]
    }
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad))
    await expect(startEmulator({ stateFile: join(dir, 'bad.json') })).rejects.toThrow(
      `fixture blob ${sha256('one')} in bad does not hash to its digest`
    )
    const orphan: StateFile = {
      repositories: [
        {
          registryId: ACCOUNT,
          region: REGION,
          name: 'orphan',
          images: [
            {
              manifest: JSON.stringify({
                schemaVersion: 2,
                mediaType: 'application/vnd.oci.image.manifest.v1+json',
                config: { digest: sha256('c') },
                layers: []
              })
            }
          ]
        }
      ]
    }
    writeFileSync(join(dir, 'orphan.json'), JSON.stringify(orphan))
    await expect(startEmulator({ stateFile: join(dir, 'orphan.json') })).rejects.toThrow(
      /Layers with digests/
    )
  })
})

/** Starts the emulator's command line; resolves once its output holds `ready`. */
async function startCli(args: string[], ready: string) {
  const root = new URL('../..', import.meta.url).pathname
  const child = spawn(
    process.execPath,
    ['--import', './scripts/ts-hooks.js', 'emulator/cli.ts', '--port', '0', ...args],
    { cwd: root }
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(ready)) resolve()
    })
    child.on('exit', () => reject(new Error(`exited early: ${output}`)))
  })
  const url = /Local ECR listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!
  const stop = async () => {
    child.kill('SIGTERM')
    return new Promise<number | null>((resolve) => child.on('exit', resolve))
  }
  return { output, url, stop }
}

describe('the command line', () => {
  test('starts in the foreground, prints its URL and what it seeded, and stops on SIGTERM', async () => {
    const cli = await startCli(['--seed'], 'sigstore-trusted-root: ')
    expect(cli.output).toContain(`AWS_ENDPOINT_URL_ECR=${cli.url}`)
    expect(cli.output).toContain(`ECR_PUBLIC_REGISTRY_URL=${cli.url}`)
    expect(cli.output).toMatch(/staging -> sha256:[0-9a-f]{64}/)
    const response = await fetch(cli.url, { method: 'POST' })
    expect(response.status).toBe(403)

    // The seeded Sigstore signature: the gate passes demo/app:staging and refuses multiarch.
    const gate = (
      /require-signature: sigstore, signer-identity: (\S+),\s+signer-issuer: (\S+), sigstore-trusted-root: (\S+)/.exec(
        cli.output
      ) ?? []
    ).slice(1)
    expect(gate).toHaveLength(3)
    const [identity, issuer, trustedRoot] = gate as [string, string, string]
    const promote = (tag: string) =>
      runCommand(
        [
          '--repository=demo/app',
          `--source-tag=${tag}`,
          '--tags=signed',
          '--dry-run',
          '--json',
          '--require-signature=sigstore',
          `--signer-identity=${identity}`,
          `--signer-issuer=${issuer}`,
          `--sigstore-trusted-root=${trustedRoot}`
        ],
        { ...emulatorEnvironment(cli.url), AWS_REGION: 'us-east-1' }
      )
    const signed = await promote('staging')
    expect(signed.exitCode).toBe(0)
    expect(JSON.parse(signed.stdout)).toMatchObject({
      status: 'dry-run',
      gates: [{ gate: 'sigstore-signature', passed: true, signer: { identity, issuer } }]
    })
    const unsigned = await promote('multiarch')
    expect(unsigned.exitCode).toBe(3)
    expect(JSON.parse(unsigned.stdout)).toMatchObject({
      status: 'refused',
      gates: [{ gate: 'sigstore-signature', passed: false }]
    })
    expect(await cli.stop()).toBe(0)
  }, 60_000)

  test('--state says what it loaded', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emulator-state-')), 'state.json')
    const seeded = await startCli(['--seed', '--export', file], 'sigstore-trusted-root: ')
    expect(await seeded.stop()).toBe(0)
    const loaded = await startCli(['--state', file], 'demo/app-prod')
    expect(loaded.output).toContain(`4 repositories, loaded from ${file}:`)
    expect(loaded.output).toMatch(
      /123456789012\/us-east-1\/demo\/app \(MUTABLE, \d+ image\(s\), 3 tag\(s\)\)/
    )
    expect(loaded.output).toMatch(/ {4}multiarch -> sha256:[0-9a-f]{64}/)
    expect(await loaded.stop()).toBe(0)
  }, 60_000)
})
