import { runAction } from './action/index.js'

/** The action's entry point, as the runner starts it. */
export async function run(): Promise<void> {
  await runAction()
}
