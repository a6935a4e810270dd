import { createEcr, type EcrOptions } from './ecr.js'
import { envInputReader, parseInputs } from './inputs.js'
import { reportResult } from './report.js'
import { run } from './run.js'
import { createRunner, type Runner } from './runner.js'

/**
 * Parses the inputs, runs the promotion, and reports it; any failure fails the step. Tests may pass
 * `ecrOptions` (a zero retry delay, say); the action itself runs with the defaults.
 */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  runner: Runner = createRunner(env),
  ecrOptions: EcrOptions = {}
): Promise<void> {
  try {
    const inputs = parseInputs(envInputReader(env), env)
    for (const warning of inputs.warnings) runner.warning(warning)
    const ecr = createEcr({
      debug: (line) => runner.debug(line),
      userAgent: 'ecr-promote',
      ...ecrOptions
    })
    reportResult(runner, await run(inputs, { ecr, log: runner }))
  } catch (error) {
    runner.setFailed(error instanceof Error ? error.message : String(error))
  }
}
