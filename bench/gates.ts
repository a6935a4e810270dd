// What the gates cost: the same promotion with no gate, the vulnerability gate, it and ECR's
// signature gate, and all three with a Sigstore bundle verified, side by side in interleaved rounds
// against the local ECR with latency on every request. In place, the gates' first call needs the
// digest the first read returns (one round trip more); into another repository they run in
// parallel with the survey of what the target lacks.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import { bundleReferrer, createSigningAuthority } from '../__fixtures__/sigstore.js'
import { buildImage, pushImage, type BuiltImage, type Emulator } from '../emulator/index.js'
import { actionEnv, median, rounds, timed } from './measure.js'

const NODE = process.execPath
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const BUILDER = 'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'
/** A raised PutImage quota: pacing is the quota part's subject, not this one's. */
const RAISED_RATE = '1000'

export const GATE_SETS = ['none', 'vulnerability', 'vulnerability + ecr', 'all three'] as const
type GateSet = (typeof GATE_SETS)[number]

export interface GateCase {
  gates: GateSet
  ms: number
  /** Over the same promotion with no gate. */
  addedMs: number
  /** addedMs in round trips of the latency set. */
  addedRoundTrips: number
  calls: Record<string, number>
}

export interface GatesResult {
  latencyMs: number
  runs: number
  inPlace: GateCase[]
  across: GateCase[]
}

export interface GatesOptions {
  dist: string
  runs: number
  latencyMs: number
  log: (line: string) => void
}

export async function gatesBench(emulator: Emulator, options: GatesOptions): Promise<GatesResult> {
  const authority = await createSigningAuthority()
  const trustedRoot = join(mkdtempSync(join(tmpdir(), 'bench-trust-')), 'trusted_root.json')
  writeFileSync(trustedRoot, JSON.stringify(authority.trustedRootJson))
  const source = emulator.state.createRepository(ACCOUNT, REGION, 'gates/app')
  const target = emulator.state.createRepository(ACCOUNT, REGION, 'gates/app-prod')
  const image = buildImage({ files: { 'bin/app': randomBytes(2048) }, format: 'oci' })
  pushImage(source, image, emulator.state.settings, ['staging'])
  // Findings under the threshold, a managed signature, and a Sigstore bundle from the builder: every
  // gate passes, so each run does all its work.
  emulator.state.setScan(ACCOUNT, REGION, source.name, image.digest, {
    status: 'COMPLETE',
    findings: [
      { name: 'CVE-2026-1000', severity: 'MEDIUM' },
      { name: 'CVE-2026-1001', severity: 'LOW' }
    ]
  })
  emulator.state.setSigningStatus(ACCOUNT, REGION, source.name, image.digest, [
    {
      signingProfileArn: `arn:aws:signer:${REGION}:${ACCOUNT}:/signing-profiles/release_signing`,
      status: 'COMPLETE'
    }
  ])
  const bundle = await authority.signDigest({
    digest: image.digest,
    identity: BUILDER,
    issuer: ISSUER
  })
  const referrer = bundleReferrer(bundle, {
    digest: image.digest,
    mediaType: image.mediaType,
    size: Buffer.byteLength(image.manifest)
  })
  pushImage(
    source,
    {
      manifest: referrer.manifest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: 'sha256:' + createHash('sha256').update(referrer.manifest).digest('hex'),
      blobs: [...referrer.blobs].map(([digest, bytes]) => ({ digest, bytes }))
    } as BuiltImage,
    emulator.state.settings
  )

  const inputsOf = (gates: GateSet): Record<string, string> => ({
    ...(gates !== 'none' && { 'vulnerability-threshold': 'high' }),
    ...(gates === 'vulnerability + ecr' && { 'require-signature': 'ecr' }),
    ...(gates === 'all three' && {
      'require-signature': 'ecr,sigstore',
      'signer-identity': BUILDER,
      'signer-issuer': ISSUER,
      'sigstore-trusted-root': trustedRoot
    })
  })
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...emulatorEnvironment(emulator.url, 'AKIDGATES'),
    AWS_REGION: REGION
  }
  emulator.setLatency(options.latencyMs)
  let unique = 0
  const measure = async (gates: GateSet, across: boolean) => {
    unique++
    emulator.resetLog()
    const run = await timed(
      NODE,
      [options.dist],
      actionEnv(
        {
          repository: source.name,
          'source-tag': 'staging',
          tags: `g${unique}`,
          'put-image-rate': RAISED_RATE,
          // Referrers are the copy's to carry; the gates read them from the source either way.
          'copy-referrers': 'false',
          ...(across && { 'target-repository': target.name }),
          ...inputsOf(gates)
        },
        base
      )
    )
    if (run.code !== 0) throw new Error(`the action failed with gates ${gates}:\n${run.stdout}`)
    // Each cross-repository run copies afresh: the image leaves the target again.
    for (const tag of [...target.tags.keys()]) target.tags.delete(tag)
    target.images.clear()
    return { ms: run.ms, calls: emulator.counts() }
  }

  const samples = new Map<string, Array<{ ms: number; calls: Record<string, number> }>>()
  await rounds(options.runs, async (round) => {
    for (const across of [false, true])
      for (const gates of GATE_SETS) {
        const sample = await measure(gates, across)
        if (round < 0) continue
        const key = `${across}/${gates}`
        samples.set(key, [...(samples.get(key) ?? []), sample])
      }
  })
  const cases = (across: boolean): GateCase[] => {
    const msOf = (gates: GateSet) => median(samples.get(`${across}/${gates}`)!.map((s) => s.ms))
    const none = msOf('none')
    return GATE_SETS.map((gates) => {
      const ms = msOf(gates)
      return {
        gates,
        ms,
        addedMs: ms - none,
        addedRoundTrips: (ms - none) / options.latencyMs,
        calls: samples.get(`${across}/${gates}`)!.at(-1)!.calls
      }
    })
  }
  options.log(`gates: ${options.runs} round(s) done`)
  return {
    latencyMs: options.latencyMs,
    runs: options.runs,
    inPlace: cases(false),
    across: cases(true)
  }
}

const gateCalls = (calls: Record<string, number>): string =>
  ['DescribeImageScanFindings', 'DescribeImageSigningStatus', 'ListImageReferrers']
    .filter((operation) => calls[operation])
    .map((operation) => `${calls[operation]} ${operation}`)
    .join(', ') || '—'

export function renderGates(result: GatesResult): string[] {
  const rows = (where: string, cases: GateCase[]) =>
    cases.map(
      (c) =>
        `| ${where} | ${c.gates} | ${Math.round(c.ms)} ms | ${c.gates === 'none' ? '—' : `${Math.round(c.addedMs)} ms (${c.addedRoundTrips.toFixed(1)} RTT)`} | ${gateCalls(c.calls)} |`
    )
  return [
    `Gates, ${result.latencyMs} ms per request, plain HTTP, medians of ${result.runs} interleaved round(s); every gate passes.`,
    '',
    '| Promotion | Gates | Wall time | Added over no gate | Gate calls |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows('in place', result.inPlace),
    ...rows('into another repository', result.across)
  ]
}

export function gatesTargets(
  result: GatesResult,
  add: (target: string, value: string, met: boolean) => void
): void {
  const scanAcross = result.across.find((c) => c.gates === 'vulnerability')!
  add(
    'vulnerability gate into another repository: no extra round trip (added ≤ 0.5 RTT)',
    `${scanAcross.addedRoundTrips.toFixed(2)} RTT`,
    scanAcross.addedRoundTrips <= 0.5
  )
  const scanInPlace = result.inPlace.find((c) => c.gates === 'vulnerability')!
  add(
    'vulnerability gate in place: one round trip at most (added ≤ 1.5 RTT)',
    `${scanInPlace.addedRoundTrips.toFixed(2)} RTT`,
    scanInPlace.addedRoundTrips <= 1.5
  )
}
