// npm run emulator -- --port 5000 [--seed] [--latency 20] [--state fixtures.json] [--export out.json]
//   [--quotas ecr-defaults] [--tls]
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmulator, type QuotaPreset } from './index.js'
import { seedSigstoreSignature, type SeededSignature } from './seed-sigstore.js'

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

// The example's Sigstore signature, signed through a local Sigstore instance, before the ready line.
let signed: SeededSignature | undefined
if (values.seed)
  signed = await seedSigstoreSignature(
    emulator.state,
    emulator.seedExample(),
    mkdtempSync(join(tmpdir(), 'ecr-emulator-sigstore-'))
  )

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
  `  ECR Public:            AWS_ENDPOINT_URL_ECR_PUBLIC=${emulator.url} ECR_PUBLIC_REGISTRY_URL=${emulator.url}`
)
console.log(
  `  AWS CLI:               aws ecr --endpoint-url ${emulator.url} --region us-east-1 ...`
)
console.log('  Any access key works; the default account is 123456789012.')
if (emulator.caFile)
  console.log(
    `  HTTPS with a throwaway CA: NODE_EXTRA_CA_CERTS=${emulator.caFile} (AWS CLI: --ca-bundle)`
  )
if (values.quotas) console.log(`  Quotas: ${values.quotas} (over the rate: ThrottlingException)`)
if (values.seed || values.state) {
  const repositories = [...emulator.state.store.repositories.values()]
  const from = values.state ? `loaded from ${values.state}` : 'the example'
  console.log(`  ${repositories.length} repositories, ${from}:`)
  for (const repository of repositories) {
    const images = repository.images.size
    console.log(
      `  ${repository.registryId}/${repository.region}/${repository.name} (${repository.tagMutability}, ${images} image(s), ${repository.tags.size} tag(s))`
    )
    for (const [tag, digest] of repository.tags) console.log(`    ${tag} -> ${digest}`)
  }
}
if (signed)
  console.log(
    [
      `  Sigstore: demo/app:staging is signed by ${signed.identity} (issuer ${signed.issuer});`,
      '  demo/app:multiarch is not. Gate a promotion on it with:',
      `    require-signature: sigstore, signer-identity: ${signed.identity},`,
      `    signer-issuer: ${signed.issuer}, sigstore-trusted-root: ${signed.trustedRootFile}`
    ].join('\n')
  )
