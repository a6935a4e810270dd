// The GitHub face: reads the step's inputs, runs the promotion, and reports it as outputs, a job
// summary and annotations. Only the faces know the Actions runtime; they may import everything below.
import { parseInputs } from '../inputs/index.js'
import {
  buildReport,
  failedTags,
  failureMessage,
  promote,
  type Dependencies,
  type PromotionReport,
  type PromotionResult
} from '../promotion/index.js'
import { createRegistry, type RegistryOptions } from '../registry/index.js'
import { envInputReader } from './inputs.js'
import { setOutputs } from './outputs.js'
import { createRunner, type Runner } from './runner.js'
import { renderSummary } from './summary.js'

/** What tests may tune (a zero retry delay, a short progress interval); the action runs with none. */
export interface Tuning {
  registry?: RegistryOptions
  copy?: Dependencies['copy']
}

/** Outputs, job summary and annotations for a finished run; the step fails if any tag did not make it. */
function reportResult(runner: Runner, result: PromotionResult): PromotionReport {
  const report = buildReport(result)
  setOutputs(runner, report)
  runner.appendSummary(renderSummary(report))
  for (const tag of failedTags(report)) {
    const title =
      tag.status === 'conflict'
        ? 'Tag conflict'
        : tag.status === 'refused'
          ? 'Protected tag'
          : undefined
    if (tag.message) runner.error(tag.message, { ...(title && { title }) })
  }
  const failure = failureMessage(report)
  if (failure) runner.setFailed(failure)
  return report
}

/** Parses the inputs, runs the promotion, and reports it; any failure fails the step. */
export async function runAction(
  env: NodeJS.ProcessEnv = process.env,
  runner: Runner = createRunner(env),
  tuning: Tuning = {}
): Promise<void> {
  try {
    const inputs = parseInputs(envInputReader(env), env)
    for (const warning of inputs.warnings) runner.warning(warning)
    const registry = createRegistry({
      debug: (line) => runner.debug(line),
      onResume: (blob, offset, reason) =>
        runner.info(`Download of ${blob} interrupted at byte ${offset} (${reason}); resuming`),
      userAgent: 'ecr-promote',
      // A stand-in for public.ecr.aws's registry endpoint, as AWS_ENDPOINT_URL_ECR_PUBLIC is for its API.
      ...(env.ECR_PUBLIC_REGISTRY_URL && { publicRegistryUrl: env.ECR_PUBLIC_REGISTRY_URL }),
      ...tuning.registry
    })
    reportResult(
      runner,
      await promote(inputs, { registry, log: runner, ...(tuning.copy && { copy: tuning.copy }) })
    )
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}
