// A Sigstore instance in a test's memory: @sigstore/mock's Fulcio CA, CT log, Rekor log and timestamp
// authority, the trusted root that names them, and real bundles signed through them, fully offline.
//
//   const authority = await createSigningAuthority()
//   writeFileSync(path, JSON.stringify(authority.trustedRootJson))
//   const bundle = await authority.signDigest({ digest, identity, issuer })
//   // JSON.stringify(bundle) is the blob a referrer's layer holds; bundleReferrer() builds the rest.
import {
  bundleToJSON,
  envelopeToJSON,
  toDSSEBundle,
  toMessageSignatureBundle
} from '@sigstore/bundle'
import type { Bundle, SerializedBundle, TransparencyLogEntry } from '@sigstore/bundle'
// The mock's own index loads nock 13, which would patch node:http under the project's nock 15 and
// the emulator's real sockets, so its services are imported one by one.
import { initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js'
import type { CA, CTLog } from '@sigstore/mock/dist/fulcio/index.js'
import { initializeTLog } from '@sigstore/mock/dist/rekor/index.js'
import { initializeTSA, tsaHandler } from '@sigstore/mock/dist/timestamp/index.js'
import type { TSA } from '@sigstore/mock/dist/timestamp/index.js'
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'
/** What `cosign sign` (cosign 3, new bundle format) states about an image. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1'
/** What actions/attest-build-provenance states about an image. */
export const SLSA_PROVENANCE_PREDICATE = 'https://slsa.dev/provenance/v1'
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1'
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'

const REKOR_URL = 'https://rekor.sigstore.mock'
const DAY_MS = 24 * 60 * 60 * 1000
// Fulcio's OIDs for the token's issuer: v1 holds the raw string, v2 a DER UTF8String.
const ISSUER_V1_OID = '1.3.6.1.4.1.57264.1.1'
const ISSUER_V2_OID = '1.3.6.1.4.1.57264.1.8'

export interface SignOptions {
  /** The certificate's subject alternative name, e.g. a workflow's URI at a ref. */
  identity: string
  /** The OIDC issuer the certificate records. */
  issuer: string
  /** When Fulcio issued the certificate, which lasts ten minutes. Default: now. */
  certificateIssuedAt?: Date
  /**
   * When Rekor logged the signature (and the TSA stamped it). Default: now. Not before the
   * authority was created: its root certificates start then.
   */
  signedAt?: Date
  /**
   * Keep Rekor's signed entry timestamp (default true). Without it only the inclusion proof is
   * left, as in a Rekor v2 entry, and the signing time has to come from a timestamp authority.
   */
  inclusionPromise?: boolean
  /** Add an RFC 3161 timestamp from the authority's TSA (default false). */
  rfc3161Timestamp?: boolean
  /**
   * Flip a bit of the signature before it is logged: the log agrees with the bundle, but the
   * signature does not verify. Only for testing the signature check itself.
   */
  corruptSignature?: boolean
}

export interface SignPayloadOptions extends SignOptions {
  payload: string | Uint8Array
  payloadType?: string
}

export interface SignDigestOptions extends SignOptions {
  /** The image digest the statement's subject names, sha256:... */
  digest: string
  /** The subject's name; cosign writes none, actions/attest the image's repository URI. */
  subjectName?: string
  predicateType?: string
  predicate?: unknown
  statementType?: string
}

export interface SignMessageOptions extends SignOptions {
  message: string | Uint8Array
}

export interface SigningAuthority {
  /** A sigstore-trusted-root document naming this authority's CA, logs and TSA. */
  trustedRootJson: Record<string, unknown>
  /** A DSSE bundle of an in-toto statement about an image, as cosign 3 or actions/attest make. */
  signDigest(options: SignDigestOptions): Promise<SerializedBundle>
  /** A DSSE bundle of any payload. */
  signPayload(options: SignPayloadOptions): Promise<SerializedBundle>
  /** A message-signature bundle, as `cosign sign-blob` makes. */
  signMessage(options: SignMessageOptions): Promise<SerializedBundle>
}

interface KeyPair {
  publicKey: KeyObject
  privateKey: KeyObject
}

interface Services {
  keys: { ca: KeyPair; ctlog: KeyPair; tlog: KeyPair; tsa: KeyPair }
  ctlog: CTLog
  ca: CA
  tsa: TSA
  createdAt: Date
}

const keyPair = (): KeyPair => generateKeyPairSync('ec', { namedCurve: 'P-256' })
const der = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' })
const bytesOf = (view: ArrayBufferView): Buffer =>
  Buffer.from(view.buffer, view.byteOffset, view.byteLength)
const base64 = (view: ArrayBufferView): string => bytesOf(view).toString('base64')
const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest()

export async function createSigningAuthority(): Promise<SigningAuthority> {
  const keys = { ca: keyPair(), ctlog: keyPair(), tlog: keyPair(), tsa: keyPair() }
  const ctlog = await initializeCTLog(keys.ctlog)
  const services: Services = {
    keys,
    ctlog,
    ca: await initializeCA(keys.ca, ctlog),
    tsa: await initializeTSA(keys.tsa),
    createdAt: new Date()
  }
  const signPayload = (options: SignPayloadOptions): Promise<SerializedBundle> =>
    signEnvelope(services, options)
  return {
    trustedRootJson: trustedRoot(services),
    signPayload,
    signDigest: (options) => signPayload({ ...options, payload: statementAbout(options) }),
    signMessage: (options) => signMessageBundle(services, options)
  }
}

function statementAbout(options: SignDigestOptions): string {
  const [algorithm, hex] = options.digest.split(':')
  return JSON.stringify({
    _type: options.statementType ?? IN_TOTO_STATEMENT_V1,
    subject: [
      {
        ...(options.subjectName !== undefined && { name: options.subjectName }),
        digest: { [algorithm!]: hex }
      }
    ],
    predicateType: options.predicateType ?? COSIGN_SIGN_PREDICATE,
    predicate: options.predicate ?? {}
  })
}

async function signEnvelope(
  services: Services,
  options: SignPayloadOptions
): Promise<SerializedBundle> {
  const payload = Buffer.from(options.payload)
  const payloadType = options.payloadType ?? IN_TOTO_PAYLOAD_TYPE
  const { certificate, privateKey } = await issueCertificate(services, options)
  const signature = signed(preAuthEncoding(payloadType, payload), privateKey, options)
  const bundle = toDSSEBundle({
    artifact: payload,
    artifactType: payloadType,
    signature,
    certificate
  })
  return witnessed(services, bundle, signature, options, {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: {
        algorithm: 'sha256',
        value: sha256(JSON.stringify(envelopeToJSON(bundle.content.dsseEnvelope))).toString('hex')
      },
      payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
      signatures: [{ signature: base64(signature), verifier: rekorVerifier(certificate) }]
    }
  })
}

async function signMessageBundle(
  services: Services,
  options: SignMessageOptions
): Promise<SerializedBundle> {
  const message = Buffer.from(options.message)
  const { certificate, privateKey } = await issueCertificate(services, options)
  const signature = signed(message, privateKey, options)
  const digest = sha256(message)
  const bundle = toMessageSignatureBundle({ digest, signature, certificate })
  return witnessed(services, bundle, signature, options, {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
      signature: {
        content: base64(signature),
        publicKey: { content: rekorVerifier(certificate) }
      }
    }
  })
}

function signed(data: Buffer, privateKey: KeyObject, options: SignOptions): Buffer {
  const signature = sign('sha256', data, privateKey)
  if (options.corruptSignature) signature[signature.length - 1]! ^= 1
  return signature
}

/** DSSE's pre-authentication encoding: what the signature is over. */
function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType)
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload
  ])
}

async function issueCertificate(
  services: Services,
  options: SignOptions
): Promise<{ certificate: Buffer; privateKey: KeyObject }> {
  // A CA started at another time is the same CA (same key, same name) with its clock moved.
  const ca =
    options.certificateIssuedAt === undefined
      ? services.ca
      : await initializeCA(services.keys.ca, services.ctlog, options.certificateIssuedAt)
  const ephemeral = keyPair()
  const certificate = await ca.issueCertificate({
    publicKey: new Uint8Array(der(ephemeral.publicKey)),
    subjectAltName: options.identity,
    extensions: [
      { oid: ISSUER_V1_OID, value: options.issuer, legacy: true },
      { oid: ISSUER_V2_OID, value: options.issuer }
    ]
  })
  return { certificate: bytesOf(certificate), privateKey: ephemeral.privateKey }
}

/** The bundle with its Rekor entry for `body` (the entry as Rekor canonicalizes it) and timestamps. */
async function witnessed(
  services: Services,
  bundle: Bundle,
  signature: Buffer,
  options: SignOptions,
  body: object
): Promise<SerializedBundle> {
  bundle.verificationMaterial.tlogEntries = [await logEntry(services, body, options)]
  bundle.verificationMaterial.timestampVerificationData = {
    rfc3161Timestamps: options.rfc3161Timestamp
      ? [{ signedTimestamp: await timestamp(services, signature, options.signedAt) }]
      : []
  }
  return bundleToJSON(bundle)
}

async function logEntry(
  services: Services,
  body: object,
  options: SignOptions
): Promise<TransparencyLogEntry> {
  const tlog = await initializeTLog(REKOR_URL, services.keys.tlog, options.signedAt)
  const response = (await tlog.log(body)) as Record<string, RekorEntry>
  const entry = Object.values(response)[0]!
  const proof = entry.verification.inclusionProof
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex') },
    kindVersion: { kind: (body as { kind: string }).kind, version: '0.0.1' },
    integratedTime: String(entry.integratedTime),
    inclusionPromise:
      options.inclusionPromise === false
        ? undefined
        : { signedEntryTimestamp: Buffer.from(entry.verification.signedEntryTimestamp, 'base64') },
    inclusionProof: {
      logIndex: String(proof.logIndex),
      treeSize: String(proof.treeSize),
      rootHash: Buffer.from(proof.rootHash, 'hex'),
      hashes: proof.hashes.map((hash) => Buffer.from(hash, 'hex')),
      checkpoint: { envelope: proof.checkpoint }
    },
    canonicalizedBody: Buffer.from(entry.body, 'base64')
  }
}

/** Rekor v1's answer for one entry, as the mock log gives it. */
interface RekorEntry {
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: {
    signedEntryTimestamp: string
    inclusionProof: {
      logIndex: number
      treeSize: number
      rootHash: string
      hashes: string[]
      checkpoint: string
    }
  }
}

async function timestamp(
  services: Services,
  signature: Buffer,
  at: Date | undefined
): Promise<Buffer> {
  // DER drops a fraction's trailing zeros (…00.12Z) and @sigstore/core reads only three digits, so
  // the TSA's clock is kept to whole seconds; a TSA on the same key is the authority's TSA.
  const wholeSecond = new Date(Math.floor((at ?? new Date()).getTime() / 1000) * 1000)
  const tsa = await initializeTSA(services.keys.tsa, wholeSecond)
  const request = JSON.stringify({
    artifactHash: base64(sha256(signature)),
    hashAlgorithm: 'sha256'
  })
  const { statusCode, response } = await tsaHandler(tsa).fn(request)
  if (statusCode !== 201) throw new Error(`mock TSA refused the request: ${String(response)}`)
  return bytesOf(response as ArrayBufferView)
}

/** How Rekor takes a certificate: base64 of its PEM. */
function rekorVerifier(certificate: Buffer): string {
  const lines = certificate.toString('base64').match(/.{1,64}/g)!
  const pem = ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----', '']
  return Buffer.from(pem.join('\n')).toString('base64')
}

function trustedRoot(services: Services): Record<string, unknown> {
  // A day's slack keeps every signing time a test picks inside the authorities' windows.
  const validFor = { start: new Date(services.createdAt.getTime() - DAY_MS).toISOString() }
  const log = (baseUrl: string, key: KeyObject): Record<string, unknown> => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: base64(der(key)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
    logId: { keyId: base64(sha256(der(key))) }
  })
  const authority = (uri: string, chain: ArrayBufferView[]): Record<string, unknown> => ({
    subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
    uri,
    certChain: { certificates: chain.map((certificate) => ({ rawBytes: base64(certificate) })) },
    validFor
  })
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [log(REKOR_URL, services.keys.tlog.publicKey)],
    certificateAuthorities: [
      authority('https://fulcio.sigstore.mock', [services.ca.rootCertificate])
    ],
    ctlogs: [log('https://ctfe.sigstore.mock', services.keys.ctlog.publicKey)],
    timestampAuthorities: [
      authority('https://tsa.sigstore.mock', [
        services.tsa.intCertificate,
        services.tsa.rootCertificate
      ])
    ]
  }
}

/** The descriptor of the image a referrer points at. */
export interface SubjectDescriptor {
  digest: string
  mediaType: string
  size: number
}

/**
 * A referrer that attaches `bundle` to an image as cosign 3 does (specs/BUNDLE_SPEC.md in
 * sigstore/cosign): an OCI image manifest whose artifactType and only layer are the bundle's media
 * type, with the empty config. `blobs` are the bytes to upload first, by digest.
 */
export function bundleReferrer(
  bundle: SerializedBundle,
  subject: SubjectDescriptor,
  predicateType = COSIGN_SIGN_PREDICATE
): { manifest: string; blobs: Map<string, Buffer> } {
  const config = Buffer.from('{}')
  const layer = Buffer.from(JSON.stringify(bundle))
  const digestOf = (bytes: Buffer): string => 'sha256:' + sha256(bytes).toString('hex')
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: bundle.mediaType,
    config: {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: digestOf(config),
      size: config.length
    },
    layers: [{ mediaType: bundle.mediaType, digest: digestOf(layer), size: layer.length }],
    subject,
    annotations: {
      'dev.sigstore.bundle.content': bundle.dsseEnvelope ? 'dsse-envelope' : 'message-signature',
      'dev.sigstore.bundle.predicateType': predicateType,
      'org.opencontainers.image.created': new Date().toISOString()
    }
  })
  return {
    manifest,
    blobs: new Map([
      [digestOf(config), config],
      [digestOf(layer), layer]
    ])
  }
}
