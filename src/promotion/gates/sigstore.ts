// The signature gate's verifier: does a Sigstore bundle prove that the expected identity signed this
// image digest? Plain data in, a verdict out; finding the referrer and downloading its bundle is the
// caller's. Trust material comes from sigstore-trust.ts.
import { bundleFromJSON, ValidationError } from '@sigstore/bundle'
import type { Bundle, Envelope } from '@sigstore/bundle'
import { PolicyError, VerificationError, Verifier, toSignedEntity } from '@sigstore/verify'
import type { SignedEntity, TrustMaterial, VerificationPolicy } from '@sigstore/verify'
import type { Signer as VerifiedSigner } from '@sigstore/verify'
import { kindOf, messageOf } from './sigstore-trust.js'

export { loadTrustMaterial, trustMaterialFromJSON, TrustMaterialError } from './sigstore-trust.js'
export type { TrustMaterial, TrustSource } from './sigstore-trust.js'

export interface SignatureRequest {
  /** The image's digest, sha256:<hex>. */
  digest: string
  /**
   * The certificate's subject alternative name: a string for an exact match, or a regular
   * expression that must match the whole of it. The expression is anchored as ^(?:...)$: /acme/
   * accepts only the identity "acme", and a part of the identity needs .* around it.
   */
  identity: string | RegExp
  /** The OIDC issuer the certificate must record, e.g. https://token.actions.githubusercontent.com */
  issuer: string
}

export interface Signer {
  identity: string
  issuer: string
}

export type SignatureVerdict =
  | {
      verified: true
      signer: Signer
      /** What the signed in-toto statement says about the image, e.g. a cosign signature or SLSA provenance. */
      predicateType: string
      /** The earliest verified signing time, ISO 8601. */
      signedAt: string
    }
  | {
      verified: false
      reason: string
      /** Set when the signature verified but names someone else or something else. */
      signer?: Signer
    }

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
const IN_TOTO_STATEMENT_TYPES = [
  'https://in-toto.io/Statement/v1',
  'https://in-toto.io/Statement/v0.1'
]
const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/

/** Why a bundle is not accepted, thrown inside and turned into a verdict at the top. */
class Refusal extends Error {
  readonly signer: Signer | undefined
  constructor(reason: string, signer?: Signer) {
    super(reason)
    this.signer = signer
  }
}

/**
 * Verifies `bundle` (parsed JSON, or the raw bytes of the bundle blob) for `request` against
 * `trust`. Never throws for a bad bundle: that is a verdict. Throws only for a malformed request.
 */
export function verifySignatureBundle(
  bundle: unknown,
  request: SignatureRequest,
  trust: TrustMaterial
): SignatureVerdict {
  const hex = imageDigestHex(request.digest)
  const policy = policyFor(request)
  try {
    const parsed = parseBundle(bundle)
    const envelope = dsseEnvelopeOf(parsed, request.digest)
    const entity = signedEntityOf(parsed)
    const signer = verifiedSigner(entity, policy, request, trust)
    const statement = inTotoStatement(envelope, signer)
    if (!statement.subjectDigests.includes(hex))
      throw new Refusal(
        `${signedBy(signer)} for ${describeSubjects(statement.subjectDigests)}, not for ${request.digest}`,
        signer
      )
    return {
      verified: true,
      signer,
      predicateType: statement.predicateType,
      // The verifier accepts no bundle without at least one verified time.
      signedAt: signingTimes(entity)[0]!.toISOString()
    }
  } catch (error) {
    if (error instanceof Refusal) return refused(error.message, error.signer)
    return refused(`the signature bundle could not be verified: ${messageOf(error)}`)
  }
}

function refused(reason: string, signer?: Signer): SignatureVerdict {
  return signer ? { verified: false, reason, signer } : { verified: false, reason }
}

function imageDigestHex(digest: string): string {
  const hex = SHA256_DIGEST.exec(digest)?.[1]
  if (hex === undefined)
    throw new TypeError(`${JSON.stringify(digest)} is not a sha256 image digest`)
  return hex
}

function policyFor({ identity, issuer }: SignatureRequest): VerificationPolicy {
  if (identity === '') throw new TypeError('the signer identity to require is empty')
  if (issuer === '') throw new TypeError('the OIDC issuer to require is empty')
  return { subjectAlternativeName: wholeMatch(identity), extensions: { issuer } }
}

// @sigstore/verify tests the SAN with String.prototype.match, which turns a string into an
// unanchored pattern: "…/build.yml@refs/heads/main" would accept "…/build.yml@refs/heads/main-x".
function wholeMatch(identity: string | RegExp): RegExp {
  if (typeof identity === 'string')
    return new RegExp(`^${identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
  // Without g and y the pattern keeps no lastIndex between calls.
  return new RegExp(`^(?:${identity.source})$`, identity.flags.replace(/[gy]/g, ''))
}

function parseBundle(input: unknown): Bundle {
  let json = input
  if (input instanceof Uint8Array) {
    try {
      json = JSON.parse(Buffer.from(input).toString('utf8'))
    } catch {
      throw new Refusal('the signature bundle is not JSON')
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Refusal(`the signature bundle is not a Sigstore bundle: it is ${kindOf(json)}`)
  try {
    return bundleFromJSON(json)
  } catch (error) {
    const fields =
      error instanceof ValidationError ? ` (missing or invalid: ${error.fields.join(', ')})` : ''
    throw new Refusal(`the signature bundle is not a Sigstore bundle${fields}`)
  }
}

function dsseEnvelopeOf(bundle: Bundle, digest: string): Envelope {
  if (bundle.content.$case === 'messageSignature')
    throw new Refusal(
      'the signature bundle holds a bare message signature (as cosign sign-blob makes): it signs the ' +
        `digest of a payload it does not carry, so nothing in it ties it to ${digest}. The gate needs ` +
        'a DSSE envelope with an in-toto statement naming the image, as cosign 3 (cosign sign) and ' +
        'actions/attest attach'
    )
  if (bundle.verificationMaterial.content.$case === 'publicKey')
    throw new Refusal(
      'the signature bundle is signed with a key, not a Sigstore (Fulcio) certificate, so it names ' +
        'no signer identity to check'
    )
  return bundle.content.dsseEnvelope
}

function signedEntityOf(bundle: Bundle): SignedEntity {
  try {
    return toSignedEntity(bundle)
  } catch (error) {
    throw new Refusal(`the signature bundle is malformed: ${messageOf(error)}`)
  }
}

/** The signer, once the certificate chain, timestamps, log entry, signature and policy all hold. */
function verifiedSigner(
  entity: SignedEntity,
  policy: VerificationPolicy,
  request: SignatureRequest,
  trust: TrustMaterial
): Signer {
  const verifier = new Verifier(trust)
  try {
    return signerOf(verifier.verify(entity, policy))
  } catch (error) {
    if (error instanceof PolicyError) {
      // The policy is checked last, so every cryptographic check has passed: verifying again
      // without it names the signer the policy turned down.
      const signer = signerOf(verifier.verify(entity))
      throw new Refusal(policyMismatch(signer, request), signer)
    }
    if (error instanceof VerificationError)
      throw new Refusal(`the signature bundle does not verify: ${explain(error, entity)}`)
    throw error
  }
}

function signerOf(verified: VerifiedSigner): Signer {
  return {
    identity: verified.identity?.subjectAlternativeName ?? '(no identity)',
    issuer: verified.identity?.extensions?.issuer ?? '(no issuer)'
  }
}

const signedBy = (signer: Signer): string =>
  `signed by ${signer.identity} (issuer ${signer.issuer})`

function policyMismatch(signer: Signer, request: SignatureRequest): string {
  const wanted: string[] = []
  if (!wholeMatch(request.identity).test(signer.identity))
    wanted.push(
      typeof request.identity === 'string'
        ? `the signer identity must be ${request.identity}`
        : `the signer identity must match ${String(request.identity)} in full`
    )
  if (signer.issuer !== request.issuer) wanted.push(`the issuer must be ${request.issuer}`)
  return `${signedBy(signer)}, but ${wanted.join(' and ')}`
}

/** @sigstore/verify's failure in a release engineer's words. */
function explain(error: VerificationError, entity: SignedEntity): string {
  // Bundles signed with a bare key were refused before verification.
  const certificate = entity.key.$case === 'certificate' ? entity.key.certificate : undefined
  const holder = `its certificate (for ${certificate?.subjectAltName ?? 'no identity'})`
  const cause = messageOf(error.cause)
  switch (error.code) {
    case 'CERTIFICATE_ERROR':
      if (/SCT/.test(error.message))
        return `${holder} has no valid certificate-transparency proof (SCT) from a log in the trusted root`
      if (certificate && /expired|not valid/.test(cause))
        return (
          `${holder} was not valid when the signature was made: valid from ` +
          `${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}, ` +
          `signed at ${signingTimes(entity)
            .map((time) => time.toISOString())
            .join(', ')}`
        )
      return `${holder} was not issued by a certificate authority the trusted root trusts`
    case 'TIMESTAMP_ERROR':
      if (/expected \d+ timestamps, got 0/.test(error.message))
        return 'it carries no verifiable signing time: no transparency-log inclusion promise and no RFC 3161 timestamp'
      return `its RFC 3161 timestamp was not issued by a timestamp authority the trusted root trusts (${error.message})`
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
      return `its transparency-log entry was not signed by a log the trusted root trusts, or was altered (${error.message})`
    case 'TLOG_BODY_ERROR':
      return `its transparency-log entry does not match it (${error.message}): the bundle was altered after it was logged`
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_ERROR':
      return `it is not proven to be in a transparency log (${error.message})`
    case 'SIGNATURE_ERROR':
      return 'its signature does not match the signed payload: the bundle was altered'
    default:
      return error.message
  }
}

/** The signing times the bundle vouches for, earliest first; the verifier checks every one. */
function signingTimes(entity: SignedEntity): Date[] {
  return entity.timestamps
    .flatMap((timestamp) =>
      timestamp.$case === 'timestamp-authority'
        ? [timestamp.timestamp.signingTime]
        : // Only an entry with an inclusion promise vouches for its integration time.
          timestamp.tlogEntry.inclusionPromise
          ? [new Date(Number(timestamp.tlogEntry.integratedTime) * 1000)]
          : []
    )
    .sort((a, b) => a.getTime() - b.getTime())
}

interface Statement {
  predicateType: string
  /** The hex sha256 digests of the statement's subjects, lower case. */
  subjectDigests: string[]
}

function inTotoStatement(envelope: Envelope, signer: Signer): Statement {
  const notAStatement = (what: string): Refusal =>
    new Refusal(
      `${signedBy(signer)}, but ${what}, not an in-toto statement about the image`,
      signer
    )
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw notAStatement(`its payload is of type ${JSON.stringify(envelope.payloadType)}`)
  let statement: unknown
  try {
    statement = JSON.parse(envelope.payload.toString('utf8'))
  } catch {
    throw notAStatement('its payload is not JSON')
  }
  if (!isRecord(statement) || !IN_TOTO_STATEMENT_TYPES.includes(String(statement._type)))
    throw notAStatement(
      `its payload has _type ${JSON.stringify(isRecord(statement) ? statement._type : undefined)}`
    )
  if (!Array.isArray(statement.subject) || typeof statement.predicateType !== 'string')
    throw notAStatement('its statement has no subject or predicateType')
  return {
    predicateType: statement.predicateType,
    subjectDigests: statement.subject.flatMap(sha256Of)
  }
}

function sha256Of(subject: unknown): string[] {
  const digest = isRecord(subject) ? subject.digest : undefined
  return isRecord(digest) && typeof digest.sha256 === 'string' ? [digest.sha256.toLowerCase()] : []
}

function describeSubjects(digests: string[]): string {
  return digests.length === 0
    ? 'no sha256 subject'
    : digests.map((hex) => `sha256:${hex}`).join(', ')
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
