// npm run demo: the bundled action against a local ECR, started exactly as the Actions runner starts
// it (node dist/index.js under Node 24, INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY).
import { emulatorEnvironment, runDist } from '../__fixtures__/actions.js'
import { startEmulator } from '../emulator/index.js'

const emulator = await startEmulator({ seed: true })
const example = emulator.seedExample()
const env = { ...emulatorEnvironment(emulator.url), AWS_REGION: example.region }
const rule = '─'.repeat(78)

console.log(`Local ECR on ${emulator.url} (Node ${process.version}), seeded with:`)
console.log(
  `  ${example.repositories.app}: staging -> ${example.image.digest} (signed), multiarch -> ${example.index.digest}`
)

async function step(title: string, inputs: Record<string, string>): Promise<void> {
  emulator.resetLog()
  console.log(`\n${rule}\n${title}\n${rule}`)
  console.log(
    Object.entries(inputs)
      .map(([name, value]) => `  with.${name}: ${value.replace(/\n/g, '\\n')}`)
      .join('\n')
  )
  const started = performance.now()
  const run = await runDist(inputs, env)
  const elapsed = Math.round(performance.now() - started)
  console.log(`\n--- log (exit code ${run.exitCode}, ${elapsed} ms) ---`)
  process.stdout.write(
    run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::debug::'))
      .join('\n')
  )
  console.log('--- outputs ---')
  for (const [name, value] of Object.entries(run.outputs)) {
    if (name !== 'result') console.log(`  ${name}: ${value.replace(/\n/g, '\n    ')}`)
  }
  console.log('--- job summary ---')
  console.log(run.summary.trimEnd())
  console.log(`--- ECR calls: ${JSON.stringify(emulator.counts())}`)
}

await step('1. Promote staging to prod and v1.0.0 in the same repository', {
  repository: example.repositories.app,
  'source-tag': 'staging',
  tags: 'prod\nv1.0.0'
})
await step('2. Run it again: nothing to change, no write', {
  repository: example.repositories.app,
  'source-tag': 'staging',
  tags: 'prod\nv1.0.0'
})
await step('3. A protected tag refuses to move, before any write', {
  repository: example.repositories.app,
  'source-tag': 'multiarch',
  tags: 'v1.0.0',
  'protect-tags': 'v*'
})
await step('4. Copy the signed image into another repository, signature included', {
  repository: example.repositories.app,
  'source-tag': 'staging',
  'target-repository': example.repositories.prod,
  tags: 'prod'
})

await emulator.close()
