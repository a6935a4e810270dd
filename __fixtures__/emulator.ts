// One local ECR per test file: started before its tests, closed after them, and reset before each
// test (empty request log, no faults, no hooks), so no test sees another's leftovers.
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js'
import { emulatorEnvironment } from './actions.js'

export interface TestEmulator extends Emulator {
  /** What points the bundled action at it: endpoints, static credentials, AWS_REGION. */
  readonly env: NodeJS.ProcessEnv
}

export function useEmulator(
  options: EmulatorOptions & {
    /** Also point this process at it, for the action run in-process; restored afterwards. */
    inProcess?: boolean
    region?: string
  } = {}
): TestEmulator {
  const { inProcess, region = 'us-east-1', ...emulatorOptions } = options
  const saved = { ...process.env }
  let current: Emulator | undefined
  let env: NodeJS.ProcessEnv = {}
  beforeAll(async () => {
    current = await startEmulator(emulatorOptions)
    env = { ...emulatorEnvironment(current.url), AWS_REGION: region }
    if (inProcess) Object.assign(process.env, emulatorEnvironment(current.url))
  })
  afterAll(async () => {
    if (inProcess) process.env = saved
    await current?.close()
  })
  beforeEach(() => {
    current!.resetLog()
    current!.setFaults({})
    current!.onRequest(undefined)
    current!.onResponse(undefined)
  })
  // The emulator exists only once beforeAll has run: every use goes to the current one.
  return new Proxy({} as TestEmulator, {
    get: (_target, name) => (name === 'env' ? env : Reflect.get(current!, name))
  })
}
