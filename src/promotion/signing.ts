// ECR managed signing in the target: when the target registry's signing configuration matches the
// target repository, ECR signs what is pushed there, as the pushing identity (which then needs
// signer:SignPayload). The plan says so; after the writes the run waits a little for the signature
// of each promoted digest and reports it, and a FAILED signature is a failure naming its code.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  isUnsupported,
  mapLimit,
  type Registry,
  type SigningRule,
  type SigningStatus
} from '../registry/index.js'
import type { Dependencies } from './dependencies.js'
import { realClock, type PollOptions } from './gates/index.js'
import { WRITTEN_STATUSES } from './outcomes.js'
import { imageKey } from './plan.js'
import type { PlannedImage, PromotionRequest, TagOutcome } from './types.js'
// Signing rules' WILDCARD_MATCH filters are the same `*` wildcards as tag mutability's.
import { matchesFilter } from './mutability.js'

/** The signing configuration of the caller's registry in a region, read once per region. */
export type SigningReader = (target: RepositoryRef) => Promise<SigningRule[] | undefined>

/**
 * Reads the configuration once per region. It is the caller's own registry's: a target in another
 * account (named by its registry id) is not known to be signed, and is not read for.
 */
export function signingReader(registry: Registry, say: (line: string) => void): SigningReader {
  const read = new Map<string, Promise<SigningRule[] | undefined>>()
  return (target) => {
    if (target.registryId !== undefined || target.publicAlias !== undefined)
      return Promise.resolve(undefined)
    let rules = read.get(target.region)
    if (!rules) {
      rules = registry.signingRules(target).then(
        (answer) => (isUnsupported(answer) ? undefined : answer),
        (error: unknown) => {
          if (!(error instanceof EcrError)) throw error
          say(
            `Whether ECR signs images pushed in ${target.region} could not be read (${error.message}); grant ecr:GetSigningConfiguration (docs/iam.md) to have the plan say so.`
          )
          return undefined
        }
      )
      read.set(target.region, rules)
    }
    return rules
  }
}

/** The Signer profiles ECR signs a push into `repository` with: none when no rule matches. */
export async function signingProfiles(
  repository: RepositoryRef,
  signingOf: SigningReader
): Promise<string[]> {
  const rules = (await signingOf(repository)) ?? []
  return rules
    .filter(
      (rule) =>
        rule.filters.length === 0 ||
        rule.filters.some((filter) => matchesFilter(repository.name, filter))
    )
    .map((rule) => rule.profileArn)
}

/** The plan's words for a target ECR signs pushes into. */
export function signingNote(name: string, repository: RepositoryRef, profiles: string[]): string {
  return `${name}: ECR signs what is pushed into ${describeRepository(repository)} (${profiles.join(', ')}), as the pushing identity: the promoting role needs signer:SignPayload, and the report waits for the signature.`
}

/** How long to wait before asking again: half a second, doubling, within what is left. */
const pollDelay = (attempt: number, leftMs: number): number =>
  Math.max(0, Math.min(leftMs, 500 * 2 ** attempt))

/**
 * The signing status of `digest` in `repository`, asked until every expected profile has signed or
 * failed (none IN_PROGRESS, none missing) or `waitMs` have passed: what it was when the wait ended.
 */
export async function awaitSignature(
  registry: Registry,
  repository: RepositoryRef,
  digest: string,
  expected: number,
  { waitMs, poll }: { waitMs: number; poll: PollOptions }
): Promise<SigningStatus[]> {
  const started = poll.now()
  for (let attempt = 0; ; attempt++) {
    const statuses = await registry.signingStatuses(repository, digest)
    if (isUnsupported(statuses)) return []
    const left = waitMs - (poll.now() - started)
    const pending =
      statuses.length < expected || statuses.some((status) => status.status === 'IN_PROGRESS')
    if (!pending || left <= 0) return statuses
    await poll.sleep(pollDelay(attempt, left))
  }
}

/** Signatures waited for at once: each is a poll of one read. */
const WAITS_AT_ONCE = 4

/**
 * After the writes: the signature ECR's managed signing made of each image this run pushed into a
 * target it signs, waited for within signing-wait. None once the run is stopping.
 */
export async function signaturesOf(
  images: PlannedImage[],
  outcomes: Map<PlannedImage, TagOutcome[]>,
  request: PromotionRequest,
  { registry, log, poll, stop }: Dependencies
): Promise<Map<PlannedImage, SigningStatus[]>> {
  const signed = images.filter(
    (image) =>
      image.signingProfiles && outcomes.get(image)!.some((tag) => WRITTEN_STATUSES.has(tag.status))
  )
  const found = new Map<PlannedImage, SigningStatus[]>()
  if (signed.length === 0 || request.signingWaitMs === 0 || stop?.stopping.aborted) return found
  // Entries naming the same image in the same target share one wait.
  const waits = new Map<string, Promise<SigningStatus[] | undefined>>()
  await log.group(`Signatures: ${signed.length} image(s)`, () =>
    mapLimit(signed, WAITS_AT_ONCE, async (image) => {
      const key = imageKey(image)
      let wait = waits.get(key)
      if (!wait) {
        wait = awaitSignature(
          registry,
          image.target,
          image.source.digest,
          image.signingProfiles!.length,
          { waitMs: request.signingWaitMs, poll: poll ?? realClock }
        ).catch((error: unknown) => {
          log.info(
            `${image.request.name}: the signature's status could not be read (${error instanceof Error ? error.message : String(error)})`
          )
          return undefined
        })
        waits.set(key, wait)
      }
      const statuses = await wait
      if (!statuses) return
      found.set(image, statuses)
      for (const status of statuses)
        log.info(
          `${image.request.name}: signature ${status.status}${status.profileArn ? ` (${status.profileArn})` : ''}${status.failureCode ? `: ${status.failureCode}` : ''}`
        )
    })
  )
  return found
}
