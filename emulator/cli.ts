// npm run emulator -- --port 5000 [--seed] [--latency 20] [--state fixtures.json] [--export out.json]
//   [--quotas ecr-defaults] [--tls]
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startEmulator, type QuotaPreset } from './index.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5000' },
    seed: { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    state: { type: 'string' },
    export: { type: 'string' },
    quotas: { type: 'string' },
    tls: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})

if (values.help) {
  console.log(
    'Usage: npm run emulator -- [--port 5000] [--seed] [--latency MS] [--state FILE] [--export FILE]\n' +
      '                           [--quotas ecr-defaults] [--tls]'
  )
  process.exit(0)
}

const emulator = await startEmulator({
  port: Number(values.port),
  latencyMs: Number(values.latency),
  seed: values.seed,
  tls: values.tls,
  ...(values.state && { stateFile: values.state }),
  ...(values.quotas && { quotas: values.quotas as QuotaPreset })
})

// Stoppable before it says it is ready: whoever waits for the ready line may stop it at once.
const stop = async (): Promise<void> => {
  if (values.export)
    writeFileSync(values.export, JSON.stringify(emulator.state.exportState(), null, 2))
  await emulator.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())

console.log(`Local ECR listening on ${emulator.url}`)
console.log(`  JS SDK and the action: AWS_ENDPOINT_URL_ECR=${emulator.url}`)
console.log(
  `  AWS CLI:               aws ecr --endpoint-url ${emulator.url} --region us-east-1 ...`
)
console.log('  Any access key works; the default account is 123456789012.')
if (emulator.caFile)
  console.log(
    `  HTTPS with a throwaway CA: NODE_EXTRA_CA_CERTS=${emulator.caFile} (AWS CLI: --ca-bundle)`
  )
if (values.quotas) console.log(`  Quotas: ${values.quotas} (over the rate: ThrottlingException)`)
if (values.seed) {
  for (const repository of emulator.state.store.repositories.values()) {
    console.log(
      `  ${repository.registryId}/${repository.region}/${repository.name} (${repository.tagMutability})`
    )
    for (const [tag, digest] of repository.tags) console.log(`    ${tag} -> ${digest}`)
  }
}
