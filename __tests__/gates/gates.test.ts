// Promotion gates against the local ECR, through the action in-process: every scan state and
// threshold, waiting for a scan, an index with one failing platform, ignore lists, stale data, and
// signatures (ECR managed signing, and Sigstore bundles made offline by a mock authority). A gate
// that refuses writes nothing, in dry runs too.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useEmulator } from '../../__fixtures__/emulator.js'
import { runAction } from '../../__fixtures__/run-action.js'
import {
  bundleReferrer,
  createSigningAuthority,
  type SigningAuthority
} from '../../__fixtures__/sigstore.js'
import { buildImage, buildIndex, pushImage, type BuiltImage } from '../../emulator/index.js'
import type { Repository } from '../../emulator/store.js'

const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const ISSUER = 'https://token.actions.githubusercontent.com'
const BUILDER = 'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main'
const fast = {
  registry: { retryDelay: () => 0 },
  copy: { progressIntervalMs: 0 },
  // Polls a scan every few milliseconds, on the real clock.
  poll: {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20)))
  }
}

const emulator = useEmulator({ inProcess: true })
let counter = 0

/** A repository holding a fresh image tagged `staging`, and the inputs that promote it to `prod`. */
function fixture(image: BuiltImage = buildImage({ files: { 'bin/app': randomBytes(200) } })) {
  counter++
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `gates/app${counter}`)
  pushImage(repository, image, emulator.state.settings, ['staging'])
  const inputs = {
    repository: repository.name,
    'source-tag': 'staging',
    tags: 'prod',
    region: REGION
  }
  return { repository, image, inputs }
}

const finding = (name: string, severity: string) => ({ name, severity })
const writes = (): number => emulator.log.filter((entry) => entry.operation === 'PutImage').length

describe('the vulnerability gate', () => {
  test.each([
    ['critical', [finding('CVE-1', 'HIGH')], true],
    ['high', [finding('CVE-1', 'HIGH')], false],
    ['high', [finding('CVE-1', 'MEDIUM'), finding('CVE-2', 'LOW')], true],
    ['medium', [finding('CVE-1', 'MEDIUM')], false],
    ['low', [finding('CVE-1', 'UNDEFINED')], false],
    ['medium', [finding('CVE-1', 'UNDEFINED'), finding('CVE-2', 'INFORMATIONAL')], true]
  ])('threshold %s with %j passes: %s', async (threshold, findings, passes) => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings
    })
    const run = await runAction({ ...inputs, 'vulnerability-threshold': threshold }, {}, fast)
    expect(run.exitCode).toBe(passes ? 0 : 1)
    expect(repository.tags.get('prod')).toBe(passes ? image.digest : undefined)
    expect(run.result?.gates?.[0]).toMatchObject({ gate: 'vulnerability', passed: passes })
    if (!passes) {
      expect(run.result?.status).toBe('refused')
      expect(run.stdout).toContain(
        '::error title=Vulnerability gate::The vulnerability gate refused the promotion: image:'
      )
      expect(writes()).toBe(0)
    }
    expect(run.summary).toContain(
      `threshold ${threshold.toUpperCase()}, UNDEFINED and UNTRIAGED count as LOW`
    )
  })

  test('an ignored CVE does not count, and enhanced findings without a fix can be left out', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'ACTIVE',
      enhancedFindings: [
        {
          severity: 'CRITICAL',
          packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-0001' },
          fixAvailable: 'YES'
        },
        {
          severity: 'HIGH',
          packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-0002' },
          fixAvailable: 'NO'
        }
      ]
    })
    const refused = await runAction({ ...inputs, 'vulnerability-threshold': 'high' }, {}, fast)
    expect(refused.exitCode).toBe(1)
    expect(refused.result?.gates?.[0]?.reason).toContain('1 CRITICAL, 1 HIGH at or above HIGH')
    const passed = await runAction(
      {
        ...inputs,
        'vulnerability-threshold': 'high',
        'ignore-vulnerabilities': 'cve-2026-0001',
        'fixable-only': 'true'
      },
      {},
      fast
    )
    expect(passed.exitCode).toBe(0)
    expect(passed.result?.gates?.[0]?.summary).toContain('ignoring cve-2026-0001')
    expect(repository.tags.get('prod')).toBe(image.digest)
  })

  test('a refusal names the findings that decided it, worst first, capped, once in the summary', async () => {
    const { repository, image, inputs } = fixture()
    const vulnerable = (id: string, severity: string, name: string, fixed?: string) => ({
      severity,
      fixAvailable: fixed ? 'YES' : 'NO',
      packageVulnerabilityDetails: {
        vulnerabilityId: id,
        sourceUrl: `https://nvd.nist.gov/vuln/detail/${id}`,
        vulnerablePackages: [
          { name, version: '1.0.0', ...(fixed ? { fixedInVersion: fixed } : {}) }
        ]
      }
    })
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'ACTIVE',
      enhancedFindings: [
        vulnerable('CVE-2026-0010', 'HIGH', 'zlib', '1.0.1'),
        vulnerable('CVE-2026-0001', 'CRITICAL', 'openssl', '1.0.2'),
        vulnerable('CVE-2026-0011', 'HIGH', 'curl'),
        vulnerable('CVE-2026-0012', 'HIGH', 'libxml2', '1.0.9'),
        vulnerable('CVE-2026-0013', 'HIGH', 'glibc'),
        vulnerable('CVE-2026-0014', 'HIGH', 'expat'),
        vulnerable('CVE-2026-0015', 'HIGH', 'sqlite'),
        vulnerable('CVE-2026-0099', 'LOW', 'bash')
      ]
    })
    const run = await runAction({ ...inputs, 'vulnerability-threshold': 'high' }, {}, fast)
    expect(run.exitCode).toBe(1)
    const verdict = run.result!.gates![0]!
    expect(verdict.reason).toBe(
      'The vulnerability gate refused the promotion: image: 1 CRITICAL, 6 HIGH at or above HIGH. Worst first: CVE-2026-0001 (openssl 1.0.0, CRITICAL, fixed in 1.0.2); CVE-2026-0010 (zlib 1.0.0, HIGH, fixed in 1.0.1); CVE-2026-0011 (curl 1.0.0, HIGH); CVE-2026-0012 (libxml2 1.0.0, HIGH, fixed in 1.0.9); CVE-2026-0013 (glibc 1.0.0, HIGH); and 2 more.'
    )
    // The record keeps each deciding finding, with its link; the LOW one decided nothing.
    expect(verdict.findings).toHaveLength(7)
    expect(verdict.findings![0]).toEqual({
      id: 'CVE-2026-0001',
      severity: 'CRITICAL',
      package: 'openssl',
      version: '1.0.0',
      fixedIn: '1.0.2',
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2026-0001',
      platforms: ['image']
    })
    // Said once in the summary: in the problems, with the gate's line pointing there.
    expect(run.summary.match(/<code>CVE-2026-0001<\/code>/g)).toHaveLength(1)
    expect(run.summary).toContain(
      '<li><a href="https://nvd.nist.gov/vuln/detail/CVE-2026-0001"><code>CVE-2026-0001</code></a> openssl 1.0.0 (CRITICAL, fixed in 1.0.2)</li>'
    )
    expect(run.summary).toContain('<li>and 2 more (in the result)</li>')
    // The gates have a log group of their own, after Resolve's, holding their verdicts.
    const groups = run.stdout.split('::group::').slice(1)
    const [resolve, gates] = [
      groups.findIndex((g) => g.startsWith('Resolve ')),
      groups.findIndex((g) => g.startsWith('Gates: 1 image\n'))
    ]
    expect(resolve).toBeGreaterThanOrEqual(0)
    expect(gates).toBe(resolve + 1)
    expect(groups[gates]).toMatch(
      /^Gates: 1 image\n(.*\n)*.*: The vulnerability gate refused the promotion: /
    )
    expect(groups[resolve]).not.toContain('vulnerability gate')
    expect(run.summary).toContain('⛔ Vulnerability scan refused the image (why: in the problems)')
  })

  test('with an ignore list, every page of findings is read: the one that decides is on the second', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [
        ...Array.from({ length: 1000 }, (_, i) => finding(`CVE-2026-${1000 + i}`, 'LOW')),
        finding('CVE-2026-9999', 'CRITICAL')
      ],
      // ECR's counts say nothing of which one; the ignore list needs every finding.
      findingSeverityCounts: { LOW: 1000, CRITICAL: 1 }
    })
    const run = await runAction(
      { ...inputs, 'vulnerability-threshold': 'high', 'ignore-vulnerabilities': 'CVE-2026-1000' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(emulator.counts().DescribeImageScanFindings).toBe(2)
    expect(run.result?.gates?.[0]?.reason).toContain('Worst first: CVE-2026-9999 (CRITICAL)')
    expect(run.result?.gates?.[0]?.counts).toEqual({ image: { LOW: 999, CRITICAL: 1 } })
  })

  test.each([
    ['FAILED', 'the scan failed'],
    ['UNSUPPORTED_IMAGE', 'ECR cannot scan'],
    ['SCAN_ELIGIBILITY_EXPIRED', 'scan eligibility expired'],
    ['FINDINGS_UNAVAILABLE', 'ECR has no findings'],
    [
      'IN_PROGRESS',
      'its scan is still IN_PROGRESS; promote again when it is COMPLETE, or set scan-wait'
    ]
  ] as const)('a scan that is %s refuses, saying why', async (status, why) => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, { status })
    const run = await runAction({ ...inputs, 'vulnerability-threshold': 'critical' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain(why)
    expect(writes()).toBe(0)
  })

  test('an image never scanned refuses, and no scan is started', async () => {
    const { inputs } = fixture()
    const run = await runAction({ ...inputs, 'vulnerability-threshold': 'critical' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('ECR has no scan of it; turn on scan on push')
    expect(emulator.counts().StartImageScan).toBeUndefined()
  })

  test('waits for a scan that completes within scan-wait, and gives up on one that does not', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'IN_PROGRESS',
      completeAfterMs: 150,
      then: { status: 'COMPLETE', findings: [finding('CVE-1', 'LOW')] }
    })
    const waited = await runAction(
      { ...inputs, 'vulnerability-threshold': 'high', 'scan-wait': '5s' },
      {},
      fast
    )
    expect(waited.exitCode).toBe(0)
    expect(emulator.counts().DescribeImageScanFindings).toBeGreaterThan(1)

    const slow = fixture()
    emulator.state.setScan(ACCOUNT, REGION, slow.repository.name, slow.image.digest, {
      status: 'PENDING',
      completeAfterMs: 60_000
    })
    const gaveUp = await runAction(
      { ...slow.inputs, 'vulnerability-threshold': 'high', 'scan-wait': '300ms' },
      {},
      fast
    )
    expect(gaveUp.exitCode).toBe(1)
    expect(gaveUp.result?.gates?.[0]?.reason).toContain('its scan is still PENDING after waiting')
  })

  test('a long scan-wait says what it waits for at a human pace, on a simulated clock', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, { status: 'PENDING' })
    let now = Date.now()
    const clock = {
      now: () => now,
      sleep: (ms: number) => {
        now += ms
        return Promise.resolve()
      }
    }
    const run = await runAction(
      { ...inputs, 'vulnerability-threshold': 'high', 'scan-wait': '5m' },
      {},
      { ...fast, poll: clock }
    )
    expect(run.exitCode).toBe(1)
    const waits = [
      ...run.stdout.matchAll(
        /image: the scan is PENDING; waiting for it \((\d+) s of scan-wait's 300 s\)/g
      )
    ]
    const seconds = waits.map((match) => Number(match[1]))
    expect(seconds[0]).toBe(0)
    // Said every 30 s or so, not at every poll.
    expect(seconds.length).toBeGreaterThan(5)
    expect(seconds.length).toBeLessThan(emulator.counts().DescribeImageScanFindings!)
    for (let i = 1; i < seconds.length; i++)
      expect(seconds[i]! - seconds[i - 1]!).toBeGreaterThanOrEqual(30)
    expect(run.stdout).toMatch(
      /app\d+:staging: The vulnerability gate refused the promotion: image: its scan is still PENDING/
    )
  })

  test('refuses vulnerability data older than scan-max-age', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [],
      vulnerabilitySourceUpdatedAt: new Date(Date.now() - 10 * 86_400_000)
    })
    const run = await runAction(
      { ...inputs, 'vulnerability-threshold': 'critical', 'scan-max-age': '7d' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('older than scan-max-age allows')
  })

  /** A repository holding `children` by digest and an index of `entries` tagged `staging`. */
  function indexFixture(children: BuiltImage[], entries: object[]) {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: entries
    })
    const index: BuiltImage = {
      manifest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
      blobs: []
    }
    counter++
    const repository = emulator.state.createRepository(ACCOUNT, REGION, `gates/holes${counter}`)
    for (const child of children) pushImage(repository, child, emulator.state.settings)
    pushImage(repository, index, emulator.state.settings, ['staging'])
    return { repository, index, inputs: { ...fixture().inputs, repository: repository.name } }
  }
  const entry = (image: BuiltImage, extra: object = {}) => ({
    mediaType: image.mediaType,
    digest: image.digest,
    size: Buffer.byteLength(image.manifest),
    ...extra
  })
  const UNKNOWN = { platform: { os: 'unknown', architecture: 'unknown' } }
  const ATTESTATION = {
    ...UNKNOWN,
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
  }

  test('an index with nothing to judge is refused, even at threshold low', async () => {
    const attestation = buildImage({ files: { 'sbom.json': randomBytes(50) } })
    for (const [children, entries] of [
      [[], []],
      [[attestation], [entry(attestation, ATTESTATION)]]
    ] as Array<[BuiltImage[], object[]]>) {
      const { repository, inputs } = indexFixture(children, entries)
      const run = await runAction({ ...inputs, 'vulnerability-threshold': 'low' }, {}, fast)
      expect(run.exitCode).toBe(1)
      expect(run.result?.gates?.[0]).toMatchObject({ passed: false, summary: 'nothing to judge' })
      expect(run.result?.gates?.[0]?.reason).toContain('has nothing to judge')
      expect(repository.tags.get('prod')).toBeUndefined()
      // Only when asked in so many words does such an index pass.
      const allowed = await runAction(
        { ...inputs, 'vulnerability-threshold': 'low', 'allow-nothing-to-judge': 'true' },
        {},
        fast
      )
      expect(allowed.exitCode).toBe(0)
      expect(allowed.result?.gates?.[0]).toMatchObject({
        passed: true,
        summary: 'nothing to judge, passed as allow-nothing-to-judge asks'
      })
      expect(repository.tags.get('prod')).toBeDefined()
    }
  })

  test('a runnable child labelled unknown/unknown is judged; an attestation never is', async () => {
    const runnable = buildImage({ files: { 'bin/app': randomBytes(100) } })
    const attestation = buildImage({ files: { 'sbom.json': randomBytes(50) } })
    const { repository, inputs } = indexFixture(
      [runnable, attestation],
      [entry(runnable, UNKNOWN), entry(attestation, ATTESTATION)]
    )
    emulator.state.setScan(ACCOUNT, REGION, repository.name, runnable.digest, {
      status: 'COMPLETE',
      findings: [finding('CVE-7', 'CRITICAL')]
    })
    const run = await runAction({ ...inputs, 'vulnerability-threshold': 'high' }, {}, fast)
    expect(run.exitCode).toBe(1)
    // The attestation has no scan and is not asked about: only the runnable child decides.
    expect(run.result?.gates?.[0]?.reason).toBe(
      `The vulnerability gate refused the promotion: ${runnable.digest}: 1 CRITICAL at or above HIGH. Worst first: CVE-7 (CRITICAL).`
    )
  })

  test('a nested index is judged through its children', async () => {
    const platform = { os: 'linux', architecture: 'amd64' }
    const image = { ...buildImage({ files: { bin: randomBytes(100) }, platform }), platform }
    const inner = buildIndex([image])
    const { repository, inputs } = indexFixture([image, inner], [entry(inner)])
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [finding('CVE-8', 'HIGH')]
    })
    const run = await runAction({ ...inputs, 'vulnerability-threshold': 'high' }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('linux/amd64: 1 HIGH at or above HIGH')
  })

  test('a scan with no timestamps has an unknown age, which scan-max-age refuses', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [],
      imageScanCompletedAt: null,
      vulnerabilitySourceUpdatedAt: null
    })
    const run = await runAction(
      { ...inputs, 'vulnerability-threshold': 'critical', 'scan-max-age': '1s' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('its age is unknown')
    // Without scan-max-age, age does not matter.
    const other = fixture()
    emulator.state.setScan(ACCOUNT, REGION, other.repository.name, other.image.digest, {
      status: 'COMPLETE',
      findings: [],
      imageScanCompletedAt: null,
      vulnerabilitySourceUpdatedAt: null
    })
    const plain = await runAction(
      { ...other.inputs, 'vulnerability-threshold': 'critical' },
      {},
      fast
    )
    expect(plain.exitCode).toBe(0)
  })

  test('an index: every platform is gated, and the one that fails is named', async () => {
    const children = ['amd64', 'arm64'].map((architecture) => ({
      ...buildImage({ files: { bin: randomBytes(100) }, platform: { os: 'linux', architecture } }),
      platform: { os: 'linux', architecture }
    }))
    const index = buildIndex(children)
    counter++
    const repository = emulator.state.createRepository(ACCOUNT, REGION, `gates/index${counter}`)
    for (const child of children) pushImage(repository, child, emulator.state.settings)
    pushImage(repository, index, emulator.state.settings, ['staging'])
    emulator.state.setScan(ACCOUNT, REGION, repository.name, children[0]!.digest, {
      status: 'COMPLETE',
      findings: []
    })
    emulator.state.setScan(ACCOUNT, REGION, repository.name, children[1]!.digest, {
      status: 'COMPLETE',
      findings: [finding('CVE-9', 'CRITICAL')]
    })
    const run = await runAction(
      {
        repository: repository.name,
        'source-tag': 'staging',
        tags: 'prod',
        region: REGION,
        'vulnerability-threshold': 'high'
      },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toBe(
      'The vulnerability gate refused the promotion: linux/arm64: 1 CRITICAL at or above HIGH. Worst first: CVE-9 (CRITICAL).'
    )
    expect(run.result?.gates?.[0]?.counts).toEqual({
      'linux/amd64': {},
      'linux/arm64': { CRITICAL: 1 }
    })
  })

  test('a dry run asks the gate too, and fails where the real run would', async () => {
    const { repository, image, inputs } = fixture()
    emulator.state.setScan(ACCOUNT, REGION, repository.name, image.digest, {
      status: 'COMPLETE',
      findings: [finding('CVE-1', 'CRITICAL')]
    })
    const run = await runAction(
      { ...inputs, 'vulnerability-threshold': 'critical', 'dry-run': 'true' },
      {},
      fast
    )
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('refused')
  })
})

describe('the ECR signature gate', () => {
  test.each([
    [
      [
        {
          signingProfileArn: 'arn:aws:signer:us-east-1:123456789012:/signing-profiles/prod',
          status: 'COMPLETE'
        }
      ],
      true,
      'signed by ECR managed signing'
    ],
    [[], false, 'has no managed signature'],
    [
      [
        {
          signingProfileArn: 'arn:aws:signer:us-east-1:123456789012:/signing-profiles/prod',
          status: 'IN_PROGRESS'
        }
      ],
      false,
      'signing is IN_PROGRESS'
    ],
    [
      [
        {
          signingProfileArn: 'arn:aws:signer:us-east-1:123456789012:/signing-profiles/prod',
          status: 'FAILED',
          failureCode: 'SIGNING_FAILED',
          failureReason: 'profile revoked'
        }
      ],
      false,
      'signing failed for arn:aws:signer:us-east-1:123456789012:/signing-profiles/prod: SIGNING_FAILED profile revoked'
    ]
  ] as const)('%j passes: %s', async (statuses, passes, words) => {
    const { repository, image, inputs } = fixture()
    emulator.state.setSigningStatus(ACCOUNT, REGION, repository.name, image.digest, [...statuses])
    const run = await runAction({ ...inputs, 'require-signature': 'ecr' }, {}, fast)
    expect(run.exitCode).toBe(passes ? 0 : 1)
    const verdict = run.result?.gates?.[0]
    expect(verdict).toMatchObject({ gate: 'ecr-signature', passed: passes })
    expect(passes ? verdict?.summary : verdict?.reason).toContain(words)
    expect(repository.tags.get('prod')).toBe(passes ? image.digest : undefined)
  })
})

describe('the Sigstore signature gate', () => {
  let authority: SigningAuthority
  let trustedRoot: string
  beforeAll(async () => {
    authority = await createSigningAuthority()
    trustedRoot = join(mkdtempSync(join(tmpdir(), 'ecr-promote-trust-')), 'trusted_root.json')
    writeFileSync(trustedRoot, JSON.stringify(authority.trustedRootJson))
  })

  /** Attaches a bundle over `digest`, signed by `identity`, to the image in `repository`. */
  async function attach(
    repository: Repository,
    image: BuiltImage,
    identity: string,
    digest = image.digest
  ) {
    const bundle = await authority.signDigest({ digest, identity, issuer: ISSUER })
    const referrer = bundleReferrer(bundle, {
      digest: image.digest,
      mediaType: image.mediaType,
      size: Buffer.byteLength(image.manifest)
    })
    pushImage(
      repository,
      {
        manifest: referrer.manifest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: 'sha256:' + createHash('sha256').update(referrer.manifest).digest('hex'),
        blobs: [...referrer.blobs].map(([blobDigest, bytes]) => ({ digest: blobDigest, bytes }))
      } as BuiltImage,
      emulator.state.settings
    )
  }

  const gate = (identity = BUILDER) => ({
    'require-signature': 'sigstore',
    'signer-identity': identity,
    'signer-issuer': ISSUER,
    'sigstore-trusted-root': trustedRoot
  })

  test('a bundle signed by the expected identity passes, exact or by regular expression', async () => {
    const { repository, image, inputs } = fixture()
    await attach(repository, image, BUILDER)
    const exact = await runAction({ ...inputs, ...gate() }, {}, fast)
    expect(exact.exitCode).toBe(0)
    expect(exact.result?.gates?.[0]).toMatchObject({
      gate: 'sigstore-signature',
      passed: true,
      signer: { identity: BUILDER, issuer: ISSUER }
    })
    expect(exact.summary).toContain(`Sigstore signature passed: signed by ${BUILDER}`)
    const pattern = await runAction(
      {
        ...inputs,
        ...gate('/https://github\\.com/acme/app/\\.github/workflows/build\\.yml@refs/heads/.*/')
      },
      {},
      fast
    )
    expect(pattern.exitCode).toBe(0)
  })

  test("docs/gates.md's identity patterns match real identities as written, and no others", async () => {
    const docs = readFileSync(new URL('../../docs/gates.md', import.meta.url), 'utf8')
    const section = docs.slice(docs.indexOf('- `signer-identity` is exact'))
    const [any, release, partial] = [...section.matchAll(/`(\/[^`]+\/)`/g)].map((m) => m[1]!)
    const signedBy = async (identity: string, pattern: string) => {
      const { repository, image, inputs } = fixture()
      await attach(repository, image, identity)
      return (await runAction({ ...inputs, ...gate(pattern) }, {}, fast)).exitCode
    }
    const build = 'https://github.com/your-org/my-app/.github/workflows/build.yml'
    expect(await signedBy(`${build}@refs/heads/main`, any!)).toBe(0)
    expect(await signedBy(`${build}@refs/tags/v1.4.0`, release!)).toBe(0)
    expect(await signedBy(`${build}@refs/heads/main`, release!)).toBe(1)
    expect(
      await signedBy(`https://github.com/other-org/x/.github/workflows/b.yml@refs/heads/main`, any!)
    ).toBe(1)
    // As the docs say: a pattern that stops part way matches nothing.
    expect(await signedBy(`${build}@refs/heads/main`, partial!)).toBe(1)
  })

  test('a bundle signed by someone else refuses, saying who signed', async () => {
    const { repository, image, inputs } = fixture()
    await attach(
      repository,
      image,
      'https://github.com/mallory/fork/.github/workflows/x.yml@refs/heads/main'
    )
    const run = await runAction({ ...inputs, ...gate() }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('signed by https://github.com/mallory/fork')
    expect(writes()).toBe(0)
  })

  test('a bundle over another digest refuses', async () => {
    const { repository, image, inputs } = fixture()
    const other = buildImage({ files: { 'bin/other': randomBytes(50) } })
    await attach(repository, image, BUILDER, other.digest)
    const run = await runAction({ ...inputs, ...gate() }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toMatch(
      /Sigstore signature gate refused the promotion: referrer sha256:\w{12}: .*sha256:/
    )
  })

  test('no bundle at all refuses: presence of nothing is not a signature', async () => {
    const { inputs } = fixture()
    const run = await runAction({ ...inputs, ...gate() }, {}, fast)
    expect(run.exitCode).toBe(1)
    expect(run.result?.gates?.[0]?.reason).toContain('has no Sigstore bundle attached')
  })

  test('the inputs must name the signer, and a regular expression must compile', async () => {
    const { inputs } = fixture()
    const unnamed = await runAction(
      { ...inputs, 'require-signature': 'sigstore', 'signer-issuer': ISSUER },
      {},
      fast
    )
    expect(unnamed.exitCode).toBe(1)
    expect(unnamed.stdout).toContain(
      '::error::Input "signer-identity": is required with require-signature: sigstore'
    )
    const broken = await runAction({ ...inputs, ...gate('/(unclosed/') }, {}, fast)
    expect(broken.stdout).toContain(
      '::error::Input "signer-identity": "/(unclosed/" is not a regular expression'
    )
    expect(emulator.log).toHaveLength(0)
  })
})
