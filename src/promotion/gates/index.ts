// Promotion gates: is the image fit to ship? Its vulnerability scan and its signature, asked once the
// images are resolved (beside the copy survey), before any write and in dry runs too, for every
// image of a release. A gate that refuses is a problem of the plan: nothing is written for any image.
import type { ManifestNode, RepositoryRef } from '../../oci/index.js'
import { EcrError, ExplainedError, mayPassOnRerun, type Registry } from '../../registry/index.js'
import { ecrSignatureVerdict, sigstoreSignatureVerdict, type TrustLoader } from './signature.js'
import { TrustMaterialError } from './trust-error.js'
import type { GateRequest, GateVerdict, SigstoreGate } from './types.js'
import { vulnerabilityVerdict, type PollOptions } from './vulnerability.js'

export { WORST_FIRST, type PollOptions } from './vulnerability.js'

export * from './types.js'

export interface GateDependencies {
  registry: Registry
  poll?: PollOptions
  /** Where a gate says what it is waiting for (a scan not finished yet). */
  say?: (message: string) => void
}

export const realClock: PollOptions = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

/** One trust loader per run: the trusted root is read (or fetched through TUF) once. */
export function trustLoader(): TrustLoader {
  const loaded = new Map<string, Promise<unknown>>()
  return (gate: SigstoreGate) => {
    const key = gate.trustedRootPath ?? ''
    let material = loaded.get(key)
    if (!material) {
      material = import('./sigstore.js').then(({ loadTrustMaterial }) =>
        loadTrustMaterial(
          gate.trustedRootPath !== undefined ? { trustedRootPath: gate.trustedRootPath } : {}
        )
      )
      loaded.set(key, material)
    }
    return material
  }
}

/** Every gate the request enables, for one image, at once. */
export async function evaluateGates(
  request: GateRequest,
  source: ManifestNode & { repository: RepositoryRef },
  { registry, poll = realClock, say = () => {} }: GateDependencies,
  trust: TrustLoader
): Promise<GateVerdict[]> {
  const verdicts: Array<Promise<GateVerdict>> = []
  if (request.vulnerability)
    verdicts.push(vulnerabilityVerdict(registry, source, request.vulnerability, poll, say))
  if (request.signature?.ecr) verdicts.push(ecrSignatureVerdict(registry, source))
  if (request.signature?.sigstore)
    verdicts.push(sigstoreSignatureVerdict(registry, source, request.signature.sigstore, trust))
  try {
    return await Promise.all(verdicts)
  } catch (error) {
    // A gate that cannot ask (access denied, no trust material) cannot let anything through.
    if (error instanceof ExplainedError) throw error
    const message = error instanceof Error ? error.message : String(error)
    const denied =
      error instanceof EcrError && error.code === 'AccessDeniedException'
        ? ' The role needs ecr:DescribeImageScanFindings (and, under enhanced scanning, inspector2:ListFindings and inspector2:ListCoverage) for the vulnerability gate, ecr:DescribeImageSigningStatus for the ECR signature gate (docs/iam.md).'
        : ''
    // ECR not answering (throttled, 5xx, timeouts) fails the run: a rerun may get an answer.
    // So may a trust root that could not be fetched (TrustMaterialError says which).
    const retryable =
      (error instanceof EcrError && mayPassOnRerun(error)) ||
      (error instanceof TrustMaterialError && error.retryable)
    throw new ExplainedError(`A promotion gate could not decide: ${message}.${denied}`, retryable)
  }
}

export const isGateRequested = (request: GateRequest | undefined): request is GateRequest =>
  request !== undefined &&
  (request.vulnerability !== undefined ||
    request.signature?.ecr === true ||
    request.signature?.sigstore !== undefined)
