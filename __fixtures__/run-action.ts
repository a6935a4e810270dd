// The action in-process, as the runner would start it, for tests that need to inject ECR options.
import { actionEnvironment, type ActionRun } from './actions.js'
import type { EcrOptions } from '../src/ecr.js'
import { main } from '../src/main.js'
import { createRunner } from '../src/runner.js'

/**
 * Runs `main` in-process as the runner would start the action: inputs as INPUT_* variables,
 * outputs and summary through their files, log lines captured from the runner's stdout.
 */
export async function runAction(
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
  ecrOptions: EcrOptions = {}
): Promise<ActionRun> {
  const action = actionEnvironment(inputs, extraEnv)
  let stdout = ''
  process.exitCode = undefined
  try {
    await main(
      action.env,
      createRunner(action.env, (text) => (stdout += text)),
      ecrOptions
    )
    const outputs = action.outputs()
    return {
      exitCode: Number(process.exitCode ?? 0),
      stdout,
      outputs,
      summary: action.summary(),
      ...(outputs.result !== undefined && {
        result: JSON.parse(outputs.result) as ActionRun['result']
      })
    }
  } finally {
    process.exitCode = undefined
  }
}
