// Lets Node run the TypeScript tooling (emulator, demo, benchmarks) directly with its built-in
// type stripping: source files import each other as `./x.js` (as the compiler and ncc expect),
// so a relative `.js` specifier that does not exist is retried as `.ts`.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (/^\.{1,2}\/.*\.js$/.test(specifier)) {
        return nextResolve(specifier.slice(0, -3) + '.ts', context)
      }
      throw error
    }
  }
})
