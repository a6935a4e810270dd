// The action in-process, as the runner would start it, for tests that tune retries or progress:
// the real @actions/core reads INPUT_* variables and writes GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
// workflow commands on stdout, which are captured here.
import { jest } from '@jest/globals'
import * as core from '@actions/core'
import { actionEnvironment, type ActionRun } from './actions.js'
import { runAction as runInProcess, type Tuning } from '../src/action/index.js'

/** What the action wrote to stdout while `body` ran. */
export async function captureStdout<T>(
  body: () => Promise<T>
): Promise<{ value: T; stdout: string }> {
  let stdout = ''
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk)
      return true
    })
  try {
    return { value: await body(), stdout }
  } finally {
    spy.mockRestore()
  }
}

/**
 * Runs the action in-process as the runner would start it: inputs as INPUT_* variables, outputs
 * and summary through their files, the log captured from stdout. The process environment is
 * restored afterwards.
 */
export async function runAction(
  inputs: Record<string, string>,
  extraEnv: NodeJS.ProcessEnv = {},
  tuning: Tuning = {}
): Promise<ActionRun> {
  const action = actionEnvironment(inputs, extraEnv)
  const saved = { ...process.env }
  for (const name of Object.keys(process.env))
    if (name.startsWith('INPUT_')) delete process.env[name]
  Object.assign(process.env, action.env)
  process.exitCode = undefined
  core.summary.emptyBuffer()
  // The toolkit caches the summary file's path for the life of the process, as a step runs once;
  // each run here has its own file.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  try {
    const { stdout } = await captureStdout(() => runInProcess(undefined, tuning))
    const outputs = action.outputs()
    return {
      exitCode: Number(process.exitCode ?? 0),
      stdout,
      outputs,
      summary: action.summary(),
      ...(outputs.result !== undefined &&
        outputs.result !== '' && {
          result: JSON.parse(outputs.result) as ActionRun['result']
        })
    }
  } finally {
    process.env = saved
    process.exitCode = undefined
  }
}
