// The signature gate's verifier against real bundles, signed offline through @sigstore/mock's Fulcio,
// Rekor, CT log and TSA, and checked against the trusted root that names them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { SerializedBundle } from '@sigstore/bundle'
import nock from 'nock'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BUNDLE_MEDIA_TYPE,
  COSIGN_SIGN_PREDICATE,
  GITHUB_ACTIONS_ISSUER,
  SLSA_PROVENANCE_PREDICATE,
  bundleReferrer,
  createSigningAuthority
} from '../../__fixtures__/sigstore.js'
import type { SignDigestOptions, SigningAuthority } from '../../__fixtures__/sigstore.js'
import {
  TrustMaterialError,
  loadTrustMaterial,
  trustMaterialFromJSON,
  verifySignatureBundle
} from '../../src/promotion/gates/sigstore.js'
import type { SignatureRequest, TrustMaterial } from '../../src/promotion/gates/sigstore.js'

const digestOf = (text: string): string =>
  'sha256:' + createHash('sha256').update(text).digest('hex')
const DIGEST = digestOf('the image')
const OTHER_DIGEST = digestOf('another image')
const IDENTITY = 'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main'
const SIGNED = { digest: DIGEST, identity: IDENTITY, issuer: GITHUB_ACTIONS_ISSUER }
const REQUEST: SignatureRequest = SIGNED

let authority: SigningAuthority
let trust: TrustMaterial
let dir: string

beforeAll(async () => {
  nock.disableNetConnect()
  authority = await createSigningAuthority()
  trust = trustMaterialFromJSON(authority.trustedRootJson)
  dir = mkdtempSync(join(tmpdir(), 'sigstore-gate-'))
})

afterAll(() => {
  nock.enableNetConnect()
  // nock's interception outlives this file in its jest worker unless it is taken down: the next
  // file's sockets (connections opened ahead, say) would never reach their server.
  nock.cleanAll()
  nock.restore()
  rmSync(dir, { recursive: true, force: true })
})

const sign = (options: Partial<SignDigestOptions> = {}): Promise<SerializedBundle> =>
  authority.signDigest({ ...SIGNED, ...options })

const verify = (bundle: unknown, request: Partial<SignatureRequest> = {}) =>
  verifySignatureBundle(bundle, { ...REQUEST, ...request }, trust)

/** The reason a bundle is turned down, failing the test when it is accepted. */
function reasonFor(bundle: unknown, request: Partial<SignatureRequest> = {}): string {
  const verdict = verify(bundle, request)
  if (verdict.verified) throw new Error('the bundle was accepted')
  return verdict.reason
}

/** The bundle with its DSSE envelope edited. */
function withEnvelope(
  bundle: SerializedBundle,
  edit: (envelope: NonNullable<SerializedBundle['dsseEnvelope']>) => void
): SerializedBundle {
  const copy = structuredClone(bundle)
  edit(copy.dsseEnvelope!)
  return copy
}

describe('verifySignatureBundle passes', () => {
  test('a cosign signature of the image by the expected identity and issuer', async () => {
    const verdict = verify(await sign())
    expect(verdict).toEqual({
      verified: true,
      signer: { identity: IDENTITY, issuer: GITHUB_ACTIONS_ISSUER },
      predicateType: COSIGN_SIGN_PREDICATE,
      signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
    })
  })

  test('actions/attest provenance, whose subject is named, and an in-toto v0.1 statement', async () => {
    const provenance = await sign({
      subjectName: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app',
      predicateType: SLSA_PROVENANCE_PREDICATE
    })
    expect(verify(provenance)).toMatchObject({
      verified: true,
      predicateType: SLSA_PROVENANCE_PREDICATE
    })
    const legacy = await sign({ statementType: 'https://in-toto.io/Statement/v0.1' })
    expect(verify(legacy)).toMatchObject({ verified: true })
  })

  test('the raw bytes of the bundle blob as well as parsed JSON', async () => {
    const blob = Buffer.from(JSON.stringify(await sign()))
    expect(verify(blob)).toMatchObject({ verified: true })
  })

  test('an identity matched by a regular expression over the whole of it', async () => {
    const bundle = await sign()
    const workflows = /https:\/\/github\.com\/acme\/app\/\.github\/workflows\/.*@refs\/heads\/main/
    expect(verify(bundle, { identity: workflows })).toMatchObject({ verified: true })
  })

  test('a bundle whose signing time comes from a timestamp authority, as Rekor v2 needs', async () => {
    const bundle = await sign({ inclusionPromise: false, rfc3161Timestamp: true })
    expect(verify(bundle)).toMatchObject({ verified: true })
  })
})

describe('verifySignatureBundle refuses, saying why', () => {
  test('a signature by another identity, naming who signed', async () => {
    const other = 'https://github.com/acme/fork/.github/workflows/build.yml@refs/heads/main'
    const verdict = verify(await sign({ identity: other }))
    expect(verdict).toEqual({
      verified: false,
      signer: { identity: other, issuer: GITHUB_ACTIONS_ISSUER },
      reason: `signed by ${other} (issuer ${GITHUB_ACTIONS_ISSUER}), but the signer identity must be ${IDENTITY}`
    })
  })

  test('an exact identity that the signer only contains, or matches as a pattern', async () => {
    const longer = await sign({ identity: `${IDENTITY}-evil` })
    expect(reasonFor(longer)).toContain(`but the signer identity must be ${IDENTITY}`)
    const lookalike = await sign({ identity: IDENTITY.replace('.yml', 'xyml') })
    expect(reasonFor(lookalike)).toContain(`but the signer identity must be ${IDENTITY}`)
  })

  test('a regular expression that matches only part of the identity', async () => {
    const reason = reasonFor(await sign(), { identity: /acme\/app/ })
    expect(reason).toBe(
      `signed by ${IDENTITY} (issuer ${GITHUB_ACTIONS_ISSUER}), but the signer identity must match /acme\\/app/ in full`
    )
  })

  test('a signature from another OIDC issuer', async () => {
    const verdict = verify(await sign({ issuer: 'https://accounts.google.com' }))
    expect(verdict).toMatchObject({
      verified: false,
      signer: { identity: IDENTITY, issuer: 'https://accounts.google.com' },
      reason: `signed by ${IDENTITY} (issuer https://accounts.google.com), but the issuer must be ${GITHUB_ACTIONS_ISSUER}`
    })
  })

  test('a valid signature over another digest', async () => {
    const verdict = verify(await sign({ digest: OTHER_DIGEST }))
    expect(verdict).toMatchObject({
      verified: false,
      signer: { identity: IDENTITY, issuer: GITHUB_ACTIONS_ISSUER },
      reason: `signed by ${IDENTITY} (issuer ${GITHUB_ACTIONS_ISSUER}) for ${OTHER_DIGEST}, not for ${DIGEST}`
    })
  })

  test("another image's signature whose statement was rewritten to name this image", async () => {
    const signature = await sign({ digest: OTHER_DIGEST })
    const rewritten = withEnvelope(signature, (envelope) => {
      const statement = Buffer.from(envelope.payload, 'base64').toString('utf8')
      envelope.payload = Buffer.from(
        statement.replace(OTHER_DIGEST.slice(7), DIGEST.slice(7))
      ).toString('base64')
    })
    const verdict = verify(rewritten)
    expect(verdict).toEqual({
      verified: false,
      reason: expect.stringMatching(
        /^the signature bundle does not verify: its transparency-log entry does not match it \(DSSE payload hash mismatch\): the bundle was altered/
      )
    })
  })

  test('a signature whose bytes were changed', async () => {
    const tampered = withEnvelope(await sign(), (envelope) => {
      const signature = Buffer.from(envelope.signatures[0]!.sig, 'base64')
      signature[10]! ^= 0xff
      envelope.signatures[0]!.sig = signature.toString('base64')
    })
    expect(reasonFor(tampered)).toMatch(
      /does not verify: its transparency-log entry does not match it \(tlog entry signature mismatch\)/
    )
  })

  test('a signature that was logged but never matched its payload', async () => {
    expect(reasonFor(await sign({ corruptSignature: true }))).toBe(
      'the signature bundle does not verify: its signature does not match the signed payload: the bundle was altered'
    )
  })

  test('a certificate that had expired when the signature was logged', async () => {
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000)
    const reason = reasonFor(await sign({ certificateIssuedAt: anHourAgo }))
    expect(reason).toMatch(
      new RegExp(
        `^the signature bundle does not verify: its certificate \\(for ${IDENTITY.replace(/[.?]/g, '\\$&')}\\) ` +
          'was not valid when the signature was made: valid from \\S+ to \\S+, signed at \\S+$'
      )
    )
  })

  test('a certificate from a certificate authority the trusted root does not name', async () => {
    const stranger = await createSigningAuthority()
    const bundle = await stranger.signDigest(SIGNED)
    expect(reasonFor(bundle)).toBe(
      `the signature bundle does not verify: its certificate (for ${IDENTITY}) was not issued by a certificate authority the trusted root trusts`
    )
  })

  test('a bundle with no verifiable signing time', async () => {
    expect(reasonFor(await sign({ inclusionPromise: false }))).toBe(
      'the signature bundle does not verify: it carries no verifiable signing time: no transparency-log inclusion promise and no RFC 3161 timestamp'
    )
  })

  test('a bundle with no transparency-log entry', async () => {
    const bundle = structuredClone(await sign({ rfc3161Timestamp: true }))
    bundle.verificationMaterial.tlogEntries = []
    expect(reasonFor(bundle)).toMatch(
      /^the signature bundle does not verify: it is not proven to be in a transparency log/
    )
  })

  test('a message signature, even over the manifest whose digest is the image digest', async () => {
    const manifest = 'the image'
    expect(digestOf(manifest)).toBe(DIGEST)
    const bundle = await authority.signMessage({ ...SIGNED, message: manifest })
    expect(reasonFor(bundle)).toMatch(
      /^the signature bundle holds a bare message signature .* nothing in it ties it to sha256:[0-9a-f]{64}\. The gate needs a DSSE envelope with an in-toto statement/
    )
  })

  test('a signed payload that is not an in-toto statement', async () => {
    const note = await authority.signPayload({
      ...SIGNED,
      payload: 'ship it',
      payloadType: 'text/plain'
    })
    expect(verify(note)).toMatchObject({
      verified: false,
      signer: { identity: IDENTITY },
      reason: `signed by ${IDENTITY} (issuer ${GITHUB_ACTIONS_ISSUER}), but its payload is of type "text/plain", not an in-toto statement about the image`
    })
    const list = await authority.signPayload({ ...SIGNED, payload: '[]' })
    expect(reasonFor(list)).toContain(
      'but its payload has _type undefined, not an in-toto statement'
    )
  })

  test.each([
    ['not JSON', Buffer.from('<html>'), 'the signature bundle is not JSON'],
    ['null', null, 'the signature bundle is not a Sigstore bundle: it is null'],
    ['a string', 'bundle', 'the signature bundle is not a Sigstore bundle: it is a string'],
    ['an array', [], 'the signature bundle is not a Sigstore bundle: it is an array'],
    [
      'some other JSON',
      { hello: 'world' },
      'the signature bundle is not a Sigstore bundle (missing or invalid: mediaType, content, verificationMaterial)'
    ]
  ])('%s', (_, garbage, reason) => {
    expect(verify(garbage)).toEqual({ verified: false, reason })
  })

  test('a bundle whose certificate is not a certificate', async () => {
    const bundle = structuredClone(await sign())
    bundle.verificationMaterial.certificate = { rawBytes: Buffer.from('junk').toString('base64') }
    expect(reasonFor(bundle)).toMatch(/^the signature bundle is malformed: /)
  })
})

describe('verifySignatureBundle throws for a malformed request', () => {
  test.each([
    [{ digest: 'latest' }, '"latest" is not a sha256 image digest'],
    [{ identity: '' }, 'the signer identity to require is empty'],
    [{ issuer: '' }, 'the OIDC issuer to require is empty']
  ])('%j', async (request, message) => {
    const bundle = await sign()
    expect(() => verify(bundle, request)).toThrow(new TypeError(message))
  })
})

describe('loadTrustMaterial', () => {
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name)
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  test('reads a trusted-root file that bundles verify against', async () => {
    const path = file('trusted_root.json', authority.trustedRootJson)
    const fromFile = await loadTrustMaterial({ trustedRootPath: path })
    expect(verifySignatureBundle(await sign(), REQUEST, fromFile)).toMatchObject({ verified: true })
  })

  test('says so when the file is missing', async () => {
    const path = join(dir, 'absent.json')
    await expect(loadTrustMaterial({ trustedRootPath: path })).rejects.toThrow(
      `Cannot read the Sigstore trusted root ${path}: there is no such file`
    )
  })

  test.each([
    ['not JSON', 'truncated', '{"mediaType":', /^The Sigstore trusted root \S+ is not JSON: /],
    [
      'another document',
      'other',
      { hello: 'world' },
      /^\S+other\.json does not hold a Sigstore trusted root: its mediaType is undefined, not application\/vnd\.dev\.sigstore\.trustedroot/
    ],
    [
      "TUF's root.json",
      'root',
      { signed: { _type: 'root' }, signatures: [] },
      /does not hold a Sigstore trusted root: it is TUF metadata \(a root\.json\)/
    ],
    [
      'an array',
      'array',
      [],
      /does not hold a Sigstore trusted root: it holds an array, not an object/
    ]
  ])('says so when the file is %s', async (_, name, content, message) => {
    const path = file(`${name}.json`, content)
    const loading = loadTrustMaterial({ trustedRootPath: path })
    await expect(loading).rejects.toThrow(TrustMaterialError)
    await expect(loading).rejects.toThrow(message)
  })

  test('says what a trusted root lacks', async () => {
    const root = { ...authority.trustedRootJson, certificateAuthorities: [], ctlogs: [] }
    const path = file('partial.json', root)
    await expect(loadTrustMaterial({ trustedRootPath: path })).rejects.toThrow(
      `The Sigstore trusted root in ${path} lists no certificate authorities (Fulcio), no certificate transparency logs`
    )
  })

  test('says so when a trusted root holds an unreadable key', async () => {
    const [log] = authority.trustedRootJson.tlogs as Array<Record<string, unknown>>
    const broken = {
      ...log,
      publicKey: { rawBytes: 'AAAA', keyDetails: 'PKIX_ECDSA_P256_SHA_256' }
    }
    const path = file('broken.json', { ...authority.trustedRootJson, tlogs: [broken] })
    await expect(loadTrustMaterial({ trustedRootPath: path })).rejects.toThrow(
      /^The Sigstore trusted root in \S+ cannot be read: /
    )
  })

  test('says so when a TUF mirror comes without its root.json', async () => {
    const mirror = 'https://tuf.mirror.invalid'
    await expect(
      loadTrustMaterial({ tufMirrorURL: mirror, tufCachePath: join(dir, 'tuf-unseeded') })
    ).rejects.toThrow(
      /^Cannot start the TUF client for https:\/\/tuf\.mirror\.invalid .* needs its root\.json$/
    )
    await expect(
      loadTrustMaterial({ tufMirrorURL: mirror, tufCachePath: join(dir, 'tuf-unseeded') })
    ).rejects.toMatchObject({ retryable: false })
  })

  test('says so when the TUF repository cannot be reached', async () => {
    // The public-good repository's root, as @sigstore/tuf ships it, seeding an unreachable mirror.
    const require = createRequire(import.meta.url)
    const seeds = JSON.parse(readFileSync(require.resolve('@sigstore/tuf/seeds.json'), 'utf8'))
    const root = Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev']['root.json'], 'base64')
    const loading = loadTrustMaterial({
      tufMirrorURL: 'https://tuf.mirror.invalid',
      tufRootPath: file('root.json', root.toString('utf8')),
      tufCachePath: join(dir, 'tuf-seeded'),
      tufRetries: 0,
      timeoutMs: 1000
    })
    await expect(loading).rejects.toThrow(TrustMaterialError)
    await expect(loading).rejects.toThrow(
      /^Cannot reach the TUF repository at https:\/\/tuf\.mirror\.invalid to fetch Sigstore's trusted root \(/
    )
    // A rerun may reach it: a failure to retry, not a refusal.
    await expect(loading).rejects.toMatchObject({ retryable: true })
  })
})

describe('the fixture', () => {
  test('attaches a bundle as cosign 3 does: a referrer whose one layer is the bundle', async () => {
    const bundle = await sign()
    const subject = {
      digest: DIGEST,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 9
    }
    const { manifest, blobs } = bundleReferrer(bundle, subject)
    const parsed = JSON.parse(manifest)
    expect(parsed).toMatchObject({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: BUNDLE_MEDIA_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2 },
      layers: [{ mediaType: BUNDLE_MEDIA_TYPE }],
      subject,
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE
      }
    })
    const layer = blobs.get(parsed.layers[0].digest)!
    expect(digestOf(layer.toString())).toBe(parsed.layers[0].digest)
    expect(verify(layer)).toMatchObject({ verified: true })
  })
})
