// The example's Sigstore signature, for a demo of the signature gate: demo/app:staging signed by a
// GitHub Actions identity through a local Sigstore instance (@sigstore/mock: Fulcio, Rekor and a
// timestamp authority in memory, the same instance the gate's tests use), attached as cosign 3
// attaches a bundle. Its trusted root goes to a file the gate is pointed at with
// sigstore-trusted-root; demo/app:multiarch is left unsigned, so the same gate refuses it.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  GITHUB_ACTIONS_ISSUER,
  bundleReferrer,
  createSigningAuthority
} from '../__fixtures__/sigstore.js'
import { pushImage, type SeededExample } from './seed.js'
import type { EmulatorState } from './emulator-state.js'

export const DEMO_IDENTITY =
  'https://github.com/acme/app/.github/workflows/build.yml@refs/heads/main'

export interface SeededSignature {
  identity: string
  issuer: string
  /** The local instance's trusted root, for the sigstore-trusted-root input. */
  trustedRootFile: string
  /** The referrer that holds the bundle. */
  referrer: string
}

export async function seedSigstoreSignature(
  state: EmulatorState,
  seeded: SeededExample,
  directory: string
): Promise<SeededSignature> {
  const authority = await createSigningAuthority()
  const trustedRootFile = join(directory, 'sigstore-trusted-root.json')
  writeFileSync(trustedRootFile, JSON.stringify(authority.trustedRootJson, null, 2))
  const { image } = seeded
  const bundle = await authority.signDigest({
    digest: image.digest,
    identity: DEMO_IDENTITY,
    issuer: GITHUB_ACTIONS_ISSUER
  })
  const { manifest, blobs } = bundleReferrer(bundle, {
    digest: image.digest,
    mediaType: image.mediaType,
    size: Buffer.byteLength(image.manifest)
  })
  const repository = state.repository(seeded.registryId, seeded.region, seeded.repositories.app)
  const referrer = pushImage(
    repository,
    {
      manifest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
      blobs: [...blobs].map(([digest, bytes]) => ({ digest, bytes }))
    },
    state.settings
  )
  return { identity: DEMO_IDENTITY, issuer: GITHUB_ACTIONS_ISSUER, trustedRootFile, referrer }
}
