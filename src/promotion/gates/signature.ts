// The signature gates: ECR managed signing (DescribeImageSigningStatus says COMPLETE), and a
// Sigstore bundle attached to the image as an OCI referrer, verified, covering this digest, and
// signed by the expected identity and issuer. Presence alone never passes.
import type { ManifestNode, RepositoryRef } from '../../oci/index.js'
import { isUnsupported, readManifests, type Registry } from '../../registry/index.js'
import type { GateVerdict, SigstoreGate } from './types.js'

/** How cosign 3 and actions/attest attach a bundle: a referrer whose layer is the bundle. */
const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle/
/** A bundle is a few KiB; anything much larger is not one. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024

type Source = ManifestNode & { repository: RepositoryRef }

export async function ecrSignatureVerdict(
  registry: Registry,
  source: Source
): Promise<GateVerdict> {
  const statuses = await registry.signingStatuses(source.repository, source.digest)
  const refuse = (why: string): GateVerdict => ({
    gate: 'ecr-signature',
    passed: false,
    summary: why,
    reason: `The ECR signature gate refused the promotion: ${why}.`
  })
  if (isUnsupported(statuses)) return refuse(`${statuses.reason}; gate a private source`)
  const complete = statuses.find((status) => status.status === 'COMPLETE')
  if (complete)
    return {
      gate: 'ecr-signature',
      passed: true,
      summary: `signed by ECR managed signing${complete.profileArn ? ` (${complete.profileArn})` : ''}`,
      ...(complete.profileArn && { evidence: complete.profileArn })
    }
  if (statuses.length === 0)
    return refuse(
      `${source.digest} has no managed signature; configure ECR managed signing for the repository (a signing configuration and an AWS Signer profile), push the image, then promote`
    )
  return refuse(
    statuses
      .map((status) =>
        status.status === 'FAILED'
          ? `signing failed${status.profileArn ? ` for ${status.profileArn}` : ''}: ${status.failureCode ?? ''} ${status.failureReason ?? ''}`.trim()
          : `signing is ${status.status}${status.profileArn ? ` for ${status.profileArn}` : ''}; promote again once it is COMPLETE`
      )
      .join('; ')
  )
}

async function bundleBytes(registry: Registry, repository: RepositoryRef, digest: string) {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of await registry.readBlob(repository, digest)) {
    size += chunk.byteLength
    if (size > MAX_BUNDLE_BYTES) throw new Error(`blob ${digest} is over ${MAX_BUNDLE_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The trust material, loaded once per run and only when a sigstore gate asks for it. */
export type TrustLoader = (gate: SigstoreGate) => Promise<unknown>

export async function sigstoreSignatureVerdict(
  registry: Registry,
  source: Source,
  gate: SigstoreGate,
  trust: TrustLoader
): Promise<GateVerdict> {
  const refuse = (why: string): GateVerdict => ({
    gate: 'sigstore-signature',
    passed: false,
    summary: why,
    reason: `The Sigstore signature gate refused the promotion: ${why}.`
  })
  const listed = await registry.listReferrers(source.repository, source.digest)
  if (isUnsupported(listed)) return refuse(`${listed.reason}; gate a private source`)
  // An archived bundle cannot be read: it counts as no signature, as ECR leaves it unlisted.
  const referrers = listed.filter((referrer) => (referrer.status ?? 'ACTIVE') === 'ACTIVE')
  // Older cosign left artifactType out: read every referrer's manifest and look for the bundle.
  const manifests = await readManifests(
    registry,
    source.repository,
    referrers.map((referrer) => referrer.digest),
    'referrer'
  )
  const bundles = manifests.flatMap((manifest) =>
    manifest.info.blobs
      .filter((blob) => BUNDLE_MEDIA_TYPE.test(blob.mediaType ?? ''))
      .map((blob) => ({ referrer: manifest.digest, blob: blob.digest }))
  )
  if (bundles.length === 0)
    return refuse(
      `${source.digest} has no Sigstore bundle attached (${referrers.length} referrer(s), none a bundle); sign it with cosign 3, or attest it with actions/attest and push-to-registry`
    )
  const { verifySignatureBundle } = await import('./sigstore.js')
  const material = (await trust(gate)) as Parameters<typeof verifySignatureBundle>[2]
  const reasons: string[] = []
  for (const { referrer, blob } of bundles) {
    const verdict = verifySignatureBundle(
      await bundleBytes(registry, source.repository, blob),
      { digest: source.digest, identity: gate.identity, issuer: gate.issuer },
      material
    )
    if (verdict.verified)
      return {
        gate: 'sigstore-signature',
        passed: true,
        summary: `signed by ${verdict.signer.identity} (issuer ${verdict.signer.issuer}), ${verdict.predicateType}, ${verdict.signedAt}`,
        signer: verdict.signer,
        evidence: referrer
      }
    reasons.push(`referrer ${referrer.slice(0, 19)}: ${verdict.reason}`)
  }
  return refuse(reasons.join('; '))
}
