import type { EcrApi, FetchedImage } from './ecr.js'
import { EcrError, PromotionError } from './errors.js'
import { explainReadError } from './explain.js'
import type { RepositoryRef } from './inputs.js'
import { inspectManifest, manifestDigest, type ManifestInfo } from './manifest.js'

/** A manifest as stored: the exact string, its verified digest, and what it refers to. */
export interface ManifestNode {
  digest: string
  mediaType: string
  /** Exactly as ECR returned it; its bytes are the digest. */
  manifest: string
  info: ManifestInfo
}

export function describeRepository(repository: RepositoryRef): string {
  if (repository.publicAlias !== undefined)
    return `repository "public.ecr.aws/${repository.publicAlias}/${repository.name}" (ECR Public)`
  const registry = repository.registryId ? `registry ${repository.registryId}, ` : ''
  return `repository "${repository.name}" (${registry}${repository.region})`
}

/** Checks that the bytes ECR returned hash to the digest it reported, and reads the manifest. */
export function verifyManifest(image: FetchedImage, what: string): ManifestNode {
  const info = inspectManifest(image.manifest, image.mediaType, what)
  const computed = manifestDigest(image.manifest, info.mediaType)
  if (computed !== image.digest) {
    throw new PromotionError(
      `The manifest ECR returned for ${what} hashes to ${computed}, not to the digest ECR reported. Nothing was written; writing it would create a different image.`
    )
  }
  return { digest: image.digest, mediaType: info.mediaType, manifest: image.manifest, info }
}

/** BatchGetImage with errors turned into messages that say what to do. */
export function readImages(
  ecr: EcrApi,
  repository: RepositoryRef,
  ids: Parameters<EcrApi['getImages']>[1]
) {
  return ecr.getImages(repository, ids).catch(explainedRead(repository))
}

/** An ECR error on a read, turned into a message that says what to do. */
export function explainedRead(repository: RepositoryRef) {
  return (error: unknown): never => {
    throw error instanceof EcrError
      ? new PromotionError(explainReadError(error, describeRepository(repository)))
      : error
  }
}

/** Reads manifests by digest (child manifests, referrers), each verified; all must exist. */
export async function readManifests(
  ecr: EcrApi,
  repository: RepositoryRef,
  digests: string[],
  role: string
): Promise<ManifestNode[]> {
  if (digests.length === 0) return []
  const { images, failures } = await readImages(
    ecr,
    repository,
    digests.map((digest) => ({ digest }))
  )
  const failure = failures[0]
  if (failure) {
    throw new PromotionError(
      `Cannot read ${role} ${failure.digest} in ${describeRepository(repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}.`
    )
  }
  const byDigest = new Map(images.map((image) => [image.digest, image]))
  return digests.map((digest) => {
    const image = byDigest.get(digest)
    if (!image)
      throw new PromotionError(
        `ECR returned no manifest for ${role} ${digest} in ${describeRepository(repository)}.`
      )
    return verifyManifest(image, `${role} ${digest}`)
  })
}

/** Which of `digests` the repository holds as images. */
export async function presentManifests(
  ecr: EcrApi,
  repository: RepositoryRef,
  digests: string[]
): Promise<Set<string>> {
  if (digests.length === 0) return new Set()
  return ecr.presentImages(repository, digests).catch(explainedRead(repository))
}
