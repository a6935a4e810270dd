// DescribeImageSigningStatus to ECR's model (one status per Signer profile), and scans and
// signing statuses in fixtures files.
import {
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  DescribeImageSigningStatusCommand,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildImage, pushImage, startEmulator, type BuiltImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, useEmulator } from './helpers.js'

const PROFILE = `arn:aws:signer:${REGION}:${ACCOUNT}:/signing-profiles/ecr_signing`
const OTHER_PROFILE = `arn:aws:signer:${REGION}:${ACCOUNT}:/signing-profiles/release_2026`
const context = useEmulator()
let ecr: ECRClient
let counter = 0
beforeAll(() => {
  ecr = client(context.emulator)
})

async function pushed(): Promise<{ name: string; image: BuiltImage }> {
  const name = `signing/repo${++counter}`
  await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
  const image = buildImage({ files: { 'bin/app': randomBytes(64) } })
  pushImage(
    context.emulator.state.repository(ACCOUNT, REGION, name),
    image,
    context.emulator.state.settings,
    ['v1']
  )
  return { name, image }
}

const status = (repositoryName: string, imageId: { imageTag?: string; imageDigest?: string }) =>
  ecr.send(new DescribeImageSigningStatusCommand({ repositoryName, imageId }))

describe('DescribeImageSigningStatus', () => {
  test('answers one status per signing profile; failureCode and failureReason only when FAILED', async () => {
    const { name, image } = await pushed()
    context.emulator.state.setSigningStatus(ACCOUNT, REGION, name, image.digest, [
      { signingProfileArn: PROFILE, status: 'COMPLETE' },
      {
        signingProfileArn: OTHER_PROFILE,
        status: 'FAILED',
        failureCode: 'AccessDenied',
        failureReason: 'The pushing principal may not sign with this profile'
      }
    ])
    const answer = await status(name, { imageTag: 'v1' })
    expect(answer).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      imageId: { imageDigest: image.digest, imageTag: 'v1' }
    })
    expect(answer.signingStatuses).toEqual([
      { signingProfileArn: PROFILE, status: 'COMPLETE' },
      {
        signingProfileArn: OTHER_PROFILE,
        status: 'FAILED',
        failureCode: 'AccessDenied',
        failureReason: 'The pushing principal may not sign with this profile'
      }
    ])
    expect((await status(name, { imageDigest: image.digest })).imageId).toEqual({
      imageDigest: image.digest
    })
  })

  test('an image no signing rule matched has no statuses; a missing image is ImageNotFoundException', async () => {
    const { name, image } = await pushed()
    expect((await status(name, { imageDigest: image.digest })).signingStatuses).toEqual([])
    const missing = await ecrError(() => status(name, { imageTag: 'nope' }))
    expect(missing.name).toBe('ImageNotFoundException')
    expect((await ecrError(() => status(name, {}))).name).toBe('InvalidParameterException')
  })

  test('signing in progress finishes after its delay, COMPLETE unless `then` says otherwise', async () => {
    const { name, image } = await pushed()
    context.emulator.state.setSigningStatus(ACCOUNT, REGION, name, image.digest, [
      { signingProfileArn: PROFILE, status: 'IN_PROGRESS', completeAfterMs: 100 },
      {
        signingProfileArn: OTHER_PROFILE,
        status: 'IN_PROGRESS',
        completeAfterMs: 100,
        then: { signingProfileArn: OTHER_PROFILE, status: 'FAILED', failureCode: 'SignerError' }
      }
    ])
    const statuses = async () =>
      (await status(name, { imageTag: 'v1' })).signingStatuses!.map((s) => s.status)
    expect(await statuses()).toEqual(['IN_PROGRESS', 'IN_PROGRESS'])
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(await statuses()).toEqual(['COMPLETE', 'FAILED'])
  })

  test('setSigningStatus refuses what ECR could not report', async () => {
    const { name, image } = await pushed()
    const set = (statuses: object[]) =>
      context.emulator.state.setSigningStatus(
        ACCOUNT,
        REGION,
        name,
        image.digest,
        statuses as never
      )
    expect(() => set([{ signingProfileArn: 'profile', status: 'COMPLETE' }])).toThrow(/ARN/)
    expect(() => set([{ signingProfileArn: PROFILE, status: 'SIGNED' }])).toThrow(/status/)
    expect(() =>
      set([{ signingProfileArn: PROFILE, status: 'COMPLETE', failureCode: 'x' }])
    ).toThrow(/only with FAILED/)
  })
})

describe('fixtures files', () => {
  test('carry scans and signing statuses, out and back in', async () => {
    const { name, image } = await pushed()
    const { state } = context.emulator
    state.setScan(ACCOUNT, REGION, name, image.digest, {
      status: 'COMPLETE',
      findings: [{ name: 'CVE-2026-7', severity: 'HIGH' }]
    })
    state.setSigningStatus(ACCOUNT, REGION, name, image.digest, [
      { signingProfileArn: PROFILE, status: 'IN_PROGRESS', completeAfterMs: 60_000 }
    ])
    const exported = state.exportState()
    const entry = exported.repositories.find((repository) => repository.name === name)!
    expect(entry.images![0]).toMatchObject({
      scan: { status: 'COMPLETE', imageScanCompletedAt: expect.any(String) },
      signingStatuses: [{ status: 'IN_PROGRESS', completeAfterMs: expect.any(Number) }]
    })
    const file = join(mkdtempSync(join(tmpdir(), 'ecr-emulator-')), 'state.json')
    writeFileSync(file, JSON.stringify(exported))
    const copy = await startEmulator({ stateFile: file })
    try {
      const other = client(copy)
      const scan = await other.send(
        new DescribeImageScanFindingsCommand({ repositoryName: name, imageId: { imageTag: 'v1' } })
      )
      expect(scan.imageScanFindings).toMatchObject({
        findingSeverityCounts: { HIGH: 1 },
        imageScanCompletedAt: new Date(entry.images![0]!.scan!.imageScanCompletedAt as string)
      })
      const signing = await other.send(
        new DescribeImageSigningStatusCommand({ repositoryName: name, imageId: { imageTag: 'v1' } })
      )
      expect(signing.signingStatuses).toEqual([
        { signingProfileArn: PROFILE, status: 'IN_PROGRESS' }
      ])
    } finally {
      await copy.close()
    }
  })
})
