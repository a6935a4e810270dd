import type { CopyOptions } from './copy.js'
import { createEcr, type EcrOptions } from './ecr.js'
import { envInputReader, parseInputs } from './inputs.js'
import { reportResult } from './report.js'
import { run } from './run.js'
import { createRunner, type Runner } from './runner.js'

/** What tests may tune (a zero retry delay, a short progress interval); the action runs with none. */
export interface Tuning {
  ecr?: EcrOptions
  copy?: CopyOptions
}

/** Parses the inputs, runs the promotion, and reports it; any failure fails the step. */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  runner: Runner = createRunner(env),
  tuning: Tuning = {}
): Promise<void> {
  try {
    const inputs = parseInputs(envInputReader(env), env)
    for (const warning of inputs.warnings) runner.warning(warning)
    const ecr = createEcr({
      debug: (line) => runner.debug(line),
      userAgent: 'ecr-promote',
      // A stand-in for public.ecr.aws's registry endpoint, as AWS_ENDPOINT_URL_ECR_PUBLIC is for its API.
      ...(env.ECR_PUBLIC_REGISTRY_URL && { publicRegistryUrl: env.ECR_PUBLIC_REGISTRY_URL }),
      ...tuning.ecr
    })
    reportResult(
      runner,
      await run(inputs, { ecr, log: runner, ...(tuning.copy && { copy: tuning.copy }) })
    )
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}
