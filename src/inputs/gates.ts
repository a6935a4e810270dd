// The gate inputs: what makes an image fit to ship, checked before any write.
import { THRESHOLDS, type GateRequest, type Threshold } from '../promotion/index.js'
import { InputError, quote } from './errors.js'
import { parseBoolean, parseDuration, splitList, type InputReader } from './values.js'

const SIGNATURE_KINDS = ['ecr', 'sigstore']

/** `/.../` is a regular expression, matched against the whole identity; anything else is exact. */
function parseIdentity(value: string): string | RegExp {
  const regex = /^\/(.+)\/$/.exec(value)
  if (!regex) return value
  try {
    return new RegExp(regex[1]!)
  } catch (error) {
    throw new InputError(
      'signer-identity',
      `${quote(value)} is not a regular expression: ${(error as Error).message}`
    )
  }
}

function parseThreshold(value: string): Threshold | undefined {
  if (value === '') return undefined
  const threshold = value.toLowerCase()
  if (!(THRESHOLDS as readonly string[]).includes(threshold))
    throw new InputError(
      'vulnerability-threshold',
      `${quote(value)} is not a severity; use critical, high, medium or low`
    )
  return threshold as Threshold
}

function parseSignature(read: InputReader): GateRequest['signature'] {
  const kinds = splitList(read('require-signature')).map((kind) => kind.toLowerCase())
  for (const kind of kinds)
    if (!SIGNATURE_KINDS.includes(kind))
      throw new InputError(
        'require-signature',
        `${quote(kind)} is not a kind of signature; use ecr and/or sigstore`
      )
  const [identity, issuer, root] = [
    read('signer-identity'),
    read('signer-issuer'),
    read('sigstore-trusted-root')
  ]
  if (!kinds.includes('sigstore')) {
    const stray = [
      ['signer-identity', identity],
      ['signer-issuer', issuer],
      ['sigstore-trusted-root', root]
    ].find(([, value]) => value !== '')
    if (stray) throw new InputError(stray[0]!, 'applies only with require-signature: sigstore')
    return kinds.includes('ecr') ? { ecr: true } : undefined
  }
  // A signature by anyone at all proves nothing: the signer must be named.
  if (identity === '')
    throw new InputError(
      'signer-identity',
      'is required with require-signature: sigstore; name who must have signed'
    )
  if (issuer === '')
    throw new InputError(
      'signer-issuer',
      'is required with require-signature: sigstore; name the OIDC issuer of the signer'
    )
  return {
    ecr: kinds.includes('ecr'),
    sigstore: {
      identity: parseIdentity(identity),
      issuer,
      ...(root !== '' && { trustedRootPath: root })
    }
  }
}

/** The gates the inputs enable; undefined when none is. */
export function parseGates(read: InputReader): GateRequest | undefined {
  const threshold = parseThreshold(read('vulnerability-threshold'))
  const vulnerabilityOnly = ['ignore-vulnerabilities', 'scan-wait', 'scan-max-age'].find(
    (input) => read(input) !== '' && !(input === 'scan-wait' && /^0+$/.test(read(input)))
  )
  if (threshold === undefined && vulnerabilityOnly)
    throw new InputError(vulnerabilityOnly, 'applies only with vulnerability-threshold')
  const maxAge = read('scan-max-age')
  const vulnerability = threshold && {
    threshold,
    ignore: splitList(read('ignore-vulnerabilities')),
    waitMs: read('scan-wait') === '' ? 0 : parseDuration('scan-wait', read('scan-wait'), true),
    ...(maxAge !== '' && { maxAgeMs: parseDuration('scan-max-age', maxAge) }),
    fixableOnly: parseBoolean('fixable-only', read('fixable-only'), false),
    allowNothingToJudge: parseBoolean(
      'allow-nothing-to-judge',
      read('allow-nothing-to-judge'),
      false
    )
  }
  const signature = parseSignature(read)
  if (!vulnerability && !signature) return undefined
  return { ...(vulnerability && { vulnerability }), ...(signature && { signature }) }
}
