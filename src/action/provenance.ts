// Where the run happens, from the workflow's context (@actions/github): for the result, the
// summary's footer, the promotion record and the user agent ECR's CloudTrail logs show.
import type { context as toolkitContext } from '@actions/github'
import type { Provenance } from '../promotion/index.js'
import { VERSION } from '../session/index.js'

/** The parts of the toolkit's context that provenance reads. */
type RunContext = Pick<
  typeof toolkitContext,
  'runId' | 'runAttempt' | 'serverUrl' | 'workflow' | 'job' | 'actor' | 'eventName' | 'ref' | 'sha'
>

/**
 * The same fields from the runner's variables, as the toolkit reads them: its context parses the
 * event payload (GITHUB_EVENT_PATH) as it is built, and a payload that is not JSON makes it throw.
 * A run must still report, and name the run it served.
 */
function contextFromEnvironment(env: NodeJS.ProcessEnv): RunContext {
  return {
    runId: Number.parseInt(env.GITHUB_RUN_ID ?? '', 10),
    runAttempt: Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? '', 10),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? ''
  }
}

export async function loadProvenance(): Promise<Provenance> {
  // @actions/github brings Octokit along; only its context is needed, and only on a runner.
  if (!process.env.GITHUB_RUN_ID && !process.env.GITHUB_REPOSITORY) return {}
  const context: RunContext = await import('@actions/github').then(
    (github) => github.context,
    () => contextFromEnvironment(process.env)
  )
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
