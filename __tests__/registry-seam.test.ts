// The registry seam's one transport policy, as a run meets it: ECR Public's registry GETs paced and
// waited out like SDK calls, through the fetch the run was given; a completion whose answer was lost
// backed off like any retry; connections opened ahead resuming the TLS session one of them was given.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { useEmulator } from '../__fixtures__/emulator.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage, startEmulator, type Emulator } from '../emulator/index.js'
import { Warmer, warmAgents } from '../src/registry/preconnect.js'

const ACCOUNT = '111111111111'
const ALIAS = 'acme'

describe('one transport policy for every request', () => {
  const emulator = useEmulator({ defaultAccount: ACCOUNT, inProcess: true })
  beforeAll(() => {
    emulator.state.createPublicRegistry(ACCOUNT, ALIAS)
  })

  test("ECR Public's registry GETs go through the run's fetch, and throttling is waited out past the attempts", async () => {
    const repository = emulator.state.createPublicRepository(ACCOUNT, 'seam-tool')
    const image = buildImage({ files: { 'bin/tool': randomBytes(512) } })
    pushImage(repository, image, emulator.state.settings, ['1.0'])
    // The registry throttles the first manifest GETs, more of them than a transient fault gets.
    const attempts = 3
    const throttled = attempts + 2
    const seen: string[] = []
    const fetcher: typeof fetch = async (input, init) => {
      const url = String(input)
      seen.push(url)
      if (
        url.includes('/manifests/') &&
        seen.filter((u) => u.includes('/manifests/')).length <= throttled
      )
        return new Response('slow down', { status: 429 })
      return fetch(input, init)
    }
    const run = await runAction(
      { repository: `public.ecr.aws/${ALIAS}/${repository.name}`, 'source-tag': '1.0', tags: 'v1' },
      {},
      {
        registry: {
          retryDelay: () => 0,
          maxAttempts: attempts,
          publicRegistryUrl: emulator.url,
          fetch: fetcher
        }
      }
    )
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(repository.tags.get('v1')).toBe(image.digest)
    // Every registry GET (the pull token, the manifest) went through the fetch the run was given.
    expect(seen.some((url) => url.includes('/token/'))).toBe(true)
    expect(seen.filter((url) => url.includes('/manifests/')).length).toBe(throttled + 1)
  })

  test('a completion whose answer was lost is tried again after the backoff, as any retry', async () => {
    const source = emulator.state.createRepository(ACCOUNT, 'us-east-1', 'seam/app')
    const target = emulator.state.createRepository(ACCOUNT, 'us-east-1', 'seam/app-prod')
    const image = buildImage({ files: { 'bin/app': randomBytes(4096) } })
    pushImage(source, image, emulator.state.settings, ['rc'])
    emulator.setFaults({ rules: [{ kind: 'drop', count: 1, operations: ['CompleteLayerUpload'] }] })
    const backoffs: number[] = []
    const run = await runAction(
      {
        repository: 'seam/app',
        'source-tag': 'rc',
        'target-repository': 'seam/app-prod',
        tags: 'v1'
      },
      { AWS_REGION: 'us-east-1' },
      {
        registry: {
          retryDelay: (attempt) => {
            backoffs.push(attempt)
            return 0
          }
        },
        copy: { progressIntervalMs: 0 }
      }
    )
    expect(run.stdout).not.toContain('::error')
    expect(run.exitCode).toBe(0)
    expect(target.tags.get('v1')).toBe(image.digest)
    const completions = emulator.log.filter((entry) => entry.operation === 'CompleteLayerUpload')
    expect(completions.length).toBe(image.blobs.length + 1)
    // The one lost completion, and nothing else, waited for a backoff before its retry.
    expect(backoffs).toEqual([1])
  })
})

describe('connections opened ahead over TLS', () => {
  let emulator: Emulator
  let ca: string
  beforeAll(async () => {
    emulator = await startEmulator({ tls: true, seed: true })
    // The local ECR's CA, given to the connections opened ahead and to the SDK's agent alike.
    ca = readFileSync(emulator.caFile!, 'utf8')
  })
  afterAll(async () => {
    await emulator.close()
  })

  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10))
    expect(done()).toBe(true)
  }

  test('resume the TLS session an earlier connection was given, opened ahead or by the SDK', async () => {
    const { hostname, port } = new URL(emulator.url)
    const warmer = new Warmer({ ca })
    const handshakes = (): number => {
      const counts = emulator.connections()
      return counts.tlsFull + counts.tlsResumed
    }
    warmer.open(emulator.url, 1)
    await until(() => warmer.session(hostname, Number(port)) !== undefined)
    warmer.open(emulator.url, 2)
    await until(() => handshakes() === 2)
    expect(emulator.connections()).toMatchObject({ tlsFull: 1, tlsResumed: 1 })

    // The SDK takes both, then opens a third itself: it resumes too. Each answer takes a while, so
    // that the three requests are in flight together however busy the machine is.
    emulator.setLatency(200)
    const ecr = new ECRClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      requestHandler: new NodeHttpHandler(warmAgents(warmer, { keepAlive: true, ca }))
    })
    await Promise.all([1, 2, 3].map(() => ecr.send(new DescribeRepositoriesCommand({}))))
    emulator.setLatency(0)
    expect(emulator.connections()).toMatchObject({ tcp: 3, tlsFull: 1, tlsResumed: 2 })
    ecr.destroy()
  })
})
