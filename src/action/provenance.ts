// Where the run happens, from the workflow's context (@actions/github): for the result, the
// summary's footer, the promotion record and the user agent ECR's CloudTrail logs show.
import type { Provenance } from '../promotion/index.js'
import { VERSION } from '../session/index.js'

export async function loadProvenance(): Promise<Provenance> {
  // @actions/github brings Octokit along; only its context is needed, and only on a runner.
  if (!process.env.GITHUB_RUN_ID && !process.env.GITHUB_REPOSITORY) return {}
  const { context } = await import('@actions/github')
  const repository = process.env.GITHUB_REPOSITORY
  const runUrl =
    repository && context.runId
      ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}${context.runAttempt > 1 ? `/attempts/${context.runAttempt}` : ''}`
      : undefined
  const entries: Provenance = {
    ...(repository && { repository }),
    ...(context.workflow && { workflow: context.workflow }),
    ...(context.job && { job: context.job }),
    ...(Number.isFinite(context.runId) && { runId: context.runId }),
    ...(Number.isFinite(context.runAttempt) && { runAttempt: context.runAttempt }),
    ...(runUrl && { runUrl }),
    ...(context.actor && { actor: context.actor }),
    ...(context.eventName && { event: context.eventName }),
    ...(context.ref && { ref: context.ref }),
    ...(context.sha && { sha: context.sha }),
    serverUrl: context.serverUrl
  }
  return entries
}

/** ecr-promote/VERSION, and the run it serves: the first thing CloudTrail shows of each call. */
export function userAgent(provenance: Provenance): string {
  const run =
    provenance.repository && provenance.runId !== undefined
      ? ` gha-run/${provenance.repository.replace('/', '.')}.${provenance.runId}`
      : ''
  return `ecr-promote/${VERSION}${run}`
}
