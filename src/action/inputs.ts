import type { InputReader } from '../inputs/index.js'

/** Reads `INPUT_*` variables as the Actions runner sets them. */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}
