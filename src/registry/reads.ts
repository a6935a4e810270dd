// Reads whose answers are checked before anyone uses them: every manifest against its digest, and
// every failure turned into a message that says what to do.
import {
  describeRepository,
  verifyManifest,
  type ManifestNode,
  type RepositoryRef
} from '../oci/index.js'
import type { ImageAnswer, ImageId, Registry } from './api.js'
import { EcrError, ExplainedError, mayPassOnRerun } from './errors.js'
import { explainReadError } from './explain.js'

/** An ECR error on a read, turned into a message that says what to do. */
export function explainedRead(repository: RepositoryRef) {
  return (error: unknown): never => {
    throw error instanceof EcrError
      ? new ExplainedError(
          explainReadError(error, describeRepository(repository)),
          mayPassOnRerun(error),
          error.code
        )
      : error
  }
}

/** BatchGetImage with errors turned into messages that say what to do. */
export function readImages(
  registry: Registry,
  repository: RepositoryRef,
  ids: ImageId[]
): Promise<ImageAnswer> {
  return registry.getImages(repository, ids).catch(explainedRead(repository))
}

/** Reads manifests by digest (child manifests, referrers), each verified; all must exist. */
export async function readManifests(
  registry: Registry,
  repository: RepositoryRef,
  digests: string[],
  role: string
): Promise<ManifestNode[]> {
  if (digests.length === 0) return []
  const { images, failures } = await readImages(
    registry,
    repository,
    digests.map((digest) => ({ digest }))
  )
  const failure = failures[0]
  if (failure) {
    throw new ExplainedError(
      `Cannot read ${role} ${failure.digest} in repository ${describeRepository(repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}.`
    )
  }
  const byDigest = new Map(images.map((image) => [image.digest, image]))
  return digests.map((digest) => {
    const image = byDigest.get(digest)
    if (!image)
      throw new ExplainedError(
        `ECR returned no manifest for ${role} ${digest} in repository ${describeRepository(repository)}.`
      )
    return verifyManifest(image, `${role} ${digest}`)
  })
}

/** Which of `digests` the repository holds as images. */
export async function presentManifests(
  registry: Registry,
  repository: RepositoryRef,
  digests: string[]
): Promise<Set<string>> {
  if (digests.length === 0) return new Set()
  return registry.presentImages(repository, digests).catch(explainedRead(repository))
}
