import { runAction } from './action/index.js'

/**
 * The action's entry point, as the runner starts it. A cancelled run has abandoned work in flight
 * once it has reported; it exits rather than wait for that work.
 */
export async function run(): Promise<void> {
  if (await runAction()) process.exit()
}
