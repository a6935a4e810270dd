// ECR managed signing in the target: when the target registry's signing configuration matches the
// target repository, ECR signs what is pushed there, as the pushing identity (which then needs
// signer:SignPayload). The plan says so; after the writes the run waits a little for the signature
// of each promoted digest and reports it, and a FAILED signature is a failure naming its code.
import { describeRepository, type RepositoryRef } from '../oci/index.js'
import {
  EcrError,
  isUnsupported,
  type Registry,
  type SigningRule,
  type SigningStatus
} from '../registry/index.js'
import type { PollOptions } from './gates/index.js'
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
