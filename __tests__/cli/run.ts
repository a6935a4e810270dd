// The bundled command line, as jest's global setup built it into .build/dist/cli: started in a
// child process with only the environment given, its output and exit code captured.
import { spawn } from 'node:child_process'

export const CLI_BUNDLE = new URL('../../.build/dist/cli/index.js', import.meta.url).pathname

export interface CommandRun {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs `command args` (by default node and the bundle) with `env` over PATH and HOME alone. */
export async function runCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  command: readonly string[] = [process.execPath, CLI_BUNDLE],
  cwd?: string
): Promise<CommandRun> {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd !== undefined && { cwd })
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code) => resolve(code ?? -1))
  )
  return { exitCode, stdout, stderr }
}
