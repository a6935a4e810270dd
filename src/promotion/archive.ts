// ECR's archive storage class: an archived image (or one still being restored) cannot be pulled,
// and pushing it again restores it, a paid restore with the archive's 90-day minimum charge. A
// promotion never triggers that silently: an image, child manifest or referrer that is not ACTIVE
// is refused before any write with the way to restore it, unless `restore-archived` asks the run
// to restore it and wait.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  ExplainedError,
  isUnsupported,
  mayPassOnRerun,
  type ImageDetail,
  type ImageStatus,
  type Registry,
  type Unsupported
} from '../registry/index.js'
import type { PollOptions } from './gates/index.js'
import type { Stop } from './stop.js'

/** How long the run waits before asking again whether a restore is done: 1 s, doubling to 15 s. */
const pollDelay = (attempt: number): number => Math.min(15_000, 1_000 * 2 ** attempt)

export interface ArchiveOptions {
  /** Restore what is archived and wait for it (`restore-archived`), rather than refuse. */
  restore: boolean
  dryRun: boolean
  poll: PollOptions
  stop?: Stop | undefined
  say: (message: string) => void
}

/** A part of an image that is not ACTIVE, refused as designed: the title its problem carries. */
export class ArchivedRefusal extends ExplainedError {
  readonly title = 'Archived'
}

/** The digests of `digests` that are not ACTIVE, with their status; none where nothing archives. */
export async function inactive(
  registry: Registry,
  repository: RepositoryRef,
  digests: string[]
): Promise<Map<string, ImageStatus>> {
  if (digests.length === 0 || repository.publicAlias !== undefined) return new Map()
  const details = await registry.imageDetails(
    repository,
    digests.map((digest) => ({ digest }))
  )
  return notActive(details)
}

/** The images of a DescribeImages answer that are not ACTIVE, with their status. */
export function notActive(
  details: Map<string, ImageDetail> | Unsupported
): Map<string, ImageStatus> {
  if (isUnsupported(details)) return new Map()
  return new Map(
    [...details]
      .filter(([, detail]) => detail.status !== 'ACTIVE')
      .map(([digest, detail]) => [digest, detail.status])
  )
}

/** The words of a refusal: what is not ACTIVE, and how to restore it. */
function refusal(name: string, repository: RepositoryRef, parts: Map<string, ImageStatus>): string {
  const where = describeRepository(repository)
  const [first] = parts.keys()
  const what =
    parts.size === 1
      ? `${first} is ${parts.get(first!)}`
      : `${parts.size} of its manifests are not ACTIVE (${[...parts].map(([digest, status]) => `${digest} ${status}`).join(', ')})`
  const restoring = [...parts.values()].every((status) => status === 'ACTIVATING')
  return restoring
    ? `${name}: ${what} in ${where}: it is being restored and cannot be promoted until it is ACTIVE. Run again once it is, or set restore-archived: true to wait for it.`
    : `${name}: ${what} in ${where}: an archived image cannot be pulled or promoted, and pushing it again would restore it (a paid restore, with the archive's 90-day minimum charge). Restore it with aws ecr update-image-storage-class --repository-name ${repository.name} --image-id imageDigest=${first} --target-storage-class STANDARD (it is ACTIVATING, then ACTIVE, within about 20 minutes), or set restore-archived: true to have the run restore it and wait.`
}

/**
 * Makes sure every part of an image is ACTIVE before anything is written: refuses what is not, or
 * with `restore` restores it and waits (within the run's timeout), saying how long it took.
 */
export async function ensureActive(
  registry: Registry,
  name: string,
  repository: RepositoryRef,
  parts: Map<string, ImageStatus>,
  options: ArchiveOptions
): Promise<void> {
  if (parts.size === 0) return
  if (!options.restore) throw new ArchivedRefusal(refusal(name, repository, parts))
  if (options.dryRun)
    throw new ArchivedRefusal(
      `${refusal(name, repository, parts)} With restore-archived the run would restore it first; a dry run restores nothing.`
    )
  const started = options.poll.now()
  try {
    for (const [digest, status] of parts)
      if (status === 'ARCHIVED') await registry.restoreImage(repository, digest)
    options.say(
      `${name}: restoring ${parts.size} archived manifest(s); waiting for them to be ACTIVE`
    )
    let left = parts
    for (let attempt = 0; left.size > 0; attempt++) {
      if (options.stop?.stopping.aborted)
        throw new ExplainedError(
          `${name}: ${options.stop.reason()} while ${left.size} manifest(s) were still being restored; the restore goes on, and a rerun promotes once it is done.`,
          true
        )
      await options.poll.sleep(pollDelay(attempt))
      left = await inactive(registry, repository, [...left.keys()])
    }
  } catch (error) {
    if (!(error instanceof EcrError)) throw error
    throw new ExplainedError(
      `${name}: restoring it from the archive failed: ${error.message}`,
      mayPassOnRerun(error),
      error.code
    )
  }
  const seconds = Math.round((options.poll.now() - started) / 1000)
  options.say(`${name}: restored from the archive in ${seconds}s`)
}
