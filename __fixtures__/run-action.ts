// The action in-process, as the runner would start it, for tests that tune retries or progress.
import { actionEnvironment, type ActionRun } from './actions.js'
import { runAction as runInProcess, type Tuning } from '../src/action/index.js'
import { createRunner } from '../src/action/runner.js'

/**
 * Runs `main` in-process as the runner would start the action: inputs as INPUT_* variables,
 * outputs and summary through their files, log lines captured from the runner's stdout.
 */
export async function runAction(
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
  tuning: Tuning = {}
): Promise<ActionRun> {
  const action = actionEnvironment(inputs, extraEnv)
  let stdout = ''
  process.exitCode = undefined
  try {
    await runInProcess(
      action.env,
      createRunner(action.env, (text) => (stdout += text)),
      tuning
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
