// DescribeImageScanFindings to ECR's model, from scans tests set up: statuses, basic and enhanced
// findings, severity counts, timestamps, pagination, scans that complete later, and its errors.
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsCommandInput,
  type ECRClient
} from '@aws-sdk/client-ecr'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage, type BasicFinding, type BuiltImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, useEmulator } from './helpers.js'

const context = useEmulator()
let ecr: ECRClient
let counter = 0
beforeAll(() => {
  ecr = client(context.emulator)
})

/** A repository with one image, tagged v1. */
async function scanned(): Promise<{ name: string; image: BuiltImage }> {
  const name = `scans/repo${++counter}`
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

const findings = (
  name: string,
  imageId: DescribeImageScanFindingsCommandInput['imageId'],
  extra: Partial<DescribeImageScanFindingsCommandInput> = {}
) => ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: name, imageId, ...extra }))

const cve = (id: number, severity: string): BasicFinding => ({
  name: `CVE-2026-${id}`,
  description: `finding ${id}`,
  uri: `https://nvd.nist.gov/vuln/detail/CVE-2026-${id}`,
  severity,
  attributes: [
    { key: 'package_name', value: 'openssl' },
    { key: 'package_version', value: '3.0.1' }
  ]
})

describe('DescribeImageScanFindings', () => {
  test('a basic scan: status, findings as given, counts by severity, timestamps', async () => {
    const { name, image } = await scanned()
    const completedAt = new Date('2026-03-01T12:00:00Z')
    context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, {
      status: 'COMPLETE',
      findings: [cve(1, 'HIGH'), cve(2, 'HIGH'), cve(3, 'CRITICAL'), { name: 'CVE-2026-4' }],
      imageScanCompletedAt: completedAt,
      vulnerabilitySourceUpdatedAt: '2026-02-28T00:00:00Z'
    })
    const answer = await findings(name, { imageDigest: image.digest })
    expect(answer).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: name,
      imageId: { imageDigest: image.digest },
      imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      imageScanFindings: {
        imageScanCompletedAt: completedAt,
        vulnerabilitySourceUpdatedAt: new Date('2026-02-28T00:00:00Z'),
        findingSeverityCounts: { HIGH: 2, CRITICAL: 1, UNDEFINED: 1 }
      }
    })
    expect(answer.imageId).toEqual({ imageDigest: image.digest })
    expect(answer.imageScanFindings!.findings).toEqual([
      cve(1, 'HIGH'),
      cve(2, 'HIGH'),
      cve(3, 'CRITICAL'),
      { name: 'CVE-2026-4' }
    ])
    expect(answer.imageScanFindings!.enhancedFindings).toBeUndefined()
    expect(answer.nextToken).toBeUndefined()
    const byTag = await findings(name, { imageTag: 'v1' })
    expect(byTag.imageId).toEqual({ imageDigest: image.digest, imageTag: 'v1' })
  })

  test('explicit counts win; a clean scan has an empty list, no counts, and its completion time', async () => {
    const { name, image } = await scanned()
    const set = (scan: Parameters<typeof context.emulator.state.setScan>[4]) =>
      context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, scan)
    set({ status: 'COMPLETE', findings: [cve(1, 'LOW')], findingSeverityCounts: { CRITICAL: 7 } })
    expect(
      (await findings(name, { imageTag: 'v1' })).imageScanFindings!.findingSeverityCounts
    ).toEqual({ CRITICAL: 7 })
    const before = Date.now()
    set({ status: 'COMPLETE' })
    const clean = (await findings(name, { imageTag: 'v1' })).imageScanFindings!
    expect(clean.findings).toEqual([])
    expect(clean.findingSeverityCounts).toBeUndefined()
    expect(clean.imageScanCompletedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000)
    expect(clean.vulnerabilitySourceUpdatedAt).toEqual(clean.imageScanCompletedAt)
  })

  test('unfinished and failed scans report their status and no results', async () => {
    const { name, image } = await scanned()
    for (const [status, description] of [
      ['IN_PROGRESS', undefined],
      ['FAILED', 'UnsupportedImageError: The operating system is not supported.'],
      ['UNSUPPORTED_IMAGE', 'The operating system and/or package manager are not supported.'],
      ['PENDING', undefined],
      ['SCAN_ELIGIBILITY_EXPIRED', undefined],
      ['FINDINGS_UNAVAILABLE', undefined]
    ] as const) {
      context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, {
        status,
        ...(description && { description })
      })
      const answer = await findings(name, { imageDigest: image.digest })
      expect(answer.imageScanStatus).toEqual({ status, ...(description && { description }) })
      expect(answer.imageScanFindings).toEqual({ findings: [] })
    }
  })

  test('pages through the findings: 100 by default, maxResults 1..1000, counts on every page', async () => {
    const { name, image } = await scanned()
    const many = Array.from({ length: 250 }, (_, i) => cve(i, i % 2 ? 'LOW' : 'MEDIUM'))
    context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, {
      status: 'COMPLETE',
      findings: many
    })
    const read = async (maxResults?: number) => {
      const pages: number[] = []
      const names: string[] = []
      let nextToken: string | undefined
      do {
        const answer = await findings(
          name,
          { imageTag: 'v1' },
          { ...(maxResults && { maxResults }), ...(nextToken && { nextToken }) }
        )
        expect(answer.imageScanFindings!.findingSeverityCounts).toEqual({ MEDIUM: 125, LOW: 125 })
        expect(answer.imageScanStatus!.status).toBe('COMPLETE')
        pages.push(answer.imageScanFindings!.findings!.length)
        names.push(...answer.imageScanFindings!.findings!.map((finding) => finding.name!))
        nextToken = answer.nextToken
      } while (nextToken)
      expect(names).toEqual(many.map((finding) => finding.name))
      return pages
    }
    expect(await read()).toEqual([100, 100, 50])
    expect(await read(1000)).toEqual([250])
    expect(await read(120)).toEqual([120, 120, 10])
    for (const maxResults of [0, 1001]) {
      const error = await ecrError(() => findings(name, { imageTag: 'v1' }, { maxResults }))
      expect(error.name).toBe('InvalidParameterException')
    }
  })

  test('enhanced scanning: Inspector findings, filled as Inspector fills them, UNTRIAGED counted', async () => {
    const { name, image } = await scanned()
    context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, {
      status: 'ACTIVE',
      enhancedFindings: [
        {
          description: 'A buffer overflow in libexample.',
          severity: 'CRITICAL',
          score: 9.8,
          fixAvailable: 'YES',
          exploitAvailable: 'NO',
          packageVulnerabilityDetails: {
            vulnerabilityId: 'CVE-2026-1000',
            source: 'NVD',
            sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2026-1000',
            cvss: [
              { baseScore: 9.8, scoringVector: 'CVSS:3.1/AV:N', source: 'NVD', version: '3.1' }
            ],
            vendorCreatedAt: '2026-01-02T00:00:00Z',
            vulnerablePackages: [
              { name: 'libexample', version: '1.0', fixedInVersion: '1.1', packageManager: 'OS' }
            ]
          },
          remediation: { recommendation: { text: 'Upgrade libexample to 1.1' } }
        },
        {
          title: 'CVE-2026-2000',
          packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-2000' }
        }
      ]
    })
    const answer = await findings(name, { imageTag: 'v1' })
    expect(answer.imageScanStatus).toEqual({
      status: 'ACTIVE',
      description: 'Continuous scan is selected for image.'
    })
    const result = answer.imageScanFindings!
    expect(result.findings).toBeUndefined()
    expect(result.findingSeverityCounts).toEqual({ CRITICAL: 1, UNTRIAGED: 1 })
    const [critical, untriaged] = result.enhancedFindings!
    expect(critical).toMatchObject({
      awsAccountId: ACCOUNT,
      findingArn: expect.stringMatching(
        new RegExp(`^arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/[0-9a-f]{32}$`)
      ),
      severity: 'CRITICAL',
      status: 'ACTIVE',
      type: 'PACKAGE_VULNERABILITY',
      title: 'CVE-2026-1000',
      score: 9.8,
      fixAvailable: 'YES',
      exploitAvailable: 'NO',
      packageVulnerabilityDetails: {
        vulnerabilityId: 'CVE-2026-1000',
        vendorCreatedAt: new Date('2026-01-02T00:00:00Z'),
        vulnerablePackages: [expect.objectContaining({ fixedInVersion: '1.1' })]
      },
      resources: [
        {
          type: 'AWS_ECR_CONTAINER_IMAGE',
          id: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}/${image.digest}`,
          details: {
            awsEcrContainerImage: {
              registry: ACCOUNT,
              repositoryName: name,
              imageHash: image.digest,
              imageTags: ['v1']
            }
          }
        }
      ]
    })
    expect(critical!.firstObservedAt).toBeInstanceOf(Date)
    expect(critical!.firstObservedAt).toEqual(result.imageScanCompletedAt)
    expect(untriaged).toMatchObject({ severity: 'UNTRIAGED', title: 'CVE-2026-2000' })
  })

  test('a scan completes after its delay, into `then` (or a clean COMPLETE)', async () => {
    const { name, image } = await scanned()
    const set = context.emulator.state.setScan.bind(context.emulator.state, ACCOUNT, REGION, name)
    const started = Date.now()
    set(image.digest, {
      status: 'IN_PROGRESS',
      completeAfterMs: 150,
      then: { status: 'COMPLETE', findings: [cve(1, 'HIGH')] }
    })
    const early = await findings(name, { imageTag: 'v1' })
    expect(early.imageScanStatus).toEqual({ status: 'IN_PROGRESS' })
    expect(early.imageScanFindings).toEqual({ findings: [] })
    await new Promise((resolve) => setTimeout(resolve, 170))
    const done = await findings(name, { imageTag: 'v1' })
    expect(done.imageScanStatus!.status).toBe('COMPLETE')
    expect(done.imageScanFindings!.findingSeverityCounts).toEqual({ HIGH: 1 })
    const completedAt = done.imageScanFindings!.imageScanCompletedAt!.getTime()
    expect(completedAt - started).toBeGreaterThanOrEqual(149)
    expect(completedAt - started).toBeLessThan(1150)
    set(image.digest, { status: 'PENDING', completeAfterMs: 0 })
    expect((await findings(name, { imageTag: 'v1' })).imageScanStatus!.status).toBe('COMPLETE')
  })

  test('ScanNotFoundException for an image never scanned; ImageNotFoundException for none', async () => {
    const { name, image } = await scanned()
    const never = await ecrError(() => findings(name, { imageDigest: image.digest }))
    expect([never.name, never.message]).toEqual([
      'ScanNotFoundException',
      `Image scan does not exist for the image with '{imageDigest:'${image.digest}', imageTag:'null'}' in the repository with name '${name}' in the registry with id '${ACCOUNT}'`
    ])
    const missing = await ecrError(() => findings(name, { imageTag: 'nope' }))
    expect([missing.name, missing.message]).toEqual([
      'ImageNotFoundException',
      `The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name '${name}' in the registry with id '${ACCOUNT}'`
    ])
    expect((await ecrError(() => findings(name, { imageTag: 'bad tag' }))).name).toBe(
      'InvalidParameterException'
    )
    expect((await ecrError(() => findings('scans/none', { imageTag: 'v1' }))).name).toBe(
      'RepositoryNotFoundException'
    )
    // The scan goes with the image.
    context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, { status: 'COMPLETE' })
    await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: name,
        imageIds: [{ imageDigest: image.digest }]
      })
    )
    pushImage(
      context.emulator.state.repository(ACCOUNT, REGION, name),
      image,
      context.emulator.state.settings,
      ['v1']
    )
    expect((await ecrError(() => findings(name, { imageTag: 'v1' }))).name).toBe(
      'ScanNotFoundException'
    )
  })

  test('setScan refuses what ECR could not report', async () => {
    const { name, image } = await scanned()
    const set = (scan: object) =>
      context.emulator.state.setScan(ACCOUNT, REGION, name, image.digest, scan as never)
    expect(() => set({ status: 'DONE' })).toThrow(/unknown scan status/)
    expect(() => set({ status: 'COMPLETE', findings: [{ severity: 'SEVERE' }] })).toThrow(
      /severity/
    )
    expect(() => set({ status: 'COMPLETE', findings: [], enhancedFindings: [] })).toThrow(
      /not both/
    )
    expect(() => set({ status: 'IN_PROGRESS', then: { status: 'COMPLETE' } })).toThrow(
      /completeAfterMs/
    )
  })
})
