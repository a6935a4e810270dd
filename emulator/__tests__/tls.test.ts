// HTTPS with a throwaway CA (API, downloads, registry endpoint), the URLs handed out, and the
// connection counts: TCP connections, full and resumed TLS handshakes.
import {
  DescribeRepositoriesCommand,
  ECRClient,
  GetDownloadUrlForLayerCommand
} from '@aws-sdk/client-ecr'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { Agent, get } from 'node:https'
import { connect as tlsConnect } from 'node:tls'
import { promisify } from 'node:util'
import { startEmulator, type Emulator } from '../index.js'
import { REGION, client, useEmulator } from './helpers.js'

const run = promisify(execFile)
let emulator: Emulator
let ca: Buffer

beforeAll(async () => {
  emulator = await startEmulator({ tls: true, seed: true })
  ca = readFileSync(emulator.caFile!)
})
afterAll(async () => {
  await emulator.close()
})
beforeEach(() => emulator.resetLog())

/** The SDK trusting the emulator's CA through its https agent. */
const secure = (agent: Agent, endpoint = emulator.url): ECRClient =>
  new ECRClient({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: agent })
  })

function download(url: string, agent: Agent): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode!, body: Buffer.concat(chunks) })
      )
    }).on('error', reject)
  })
}

describe('HTTPS', () => {
  test('serves the API over TLS, with a CA file clients can trust', async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(existsSync(emulator.caFile!)).toBe(true)
    expect(ca.toString()).toContain('-----BEGIN CERTIFICATE-----')
    const agent = new Agent({ ca, keepAlive: true })
    const ecr = secure(agent)
    for (let i = 0; i < 3; i++) await ecr.send(new DescribeRepositoriesCommand({}))
    expect(emulator.connections()).toEqual({ tcp: 1, tlsFull: 1, tlsResumed: 0 })
    // The certificate names localhost too.
    const { port } = new URL(emulator.url)
    await secure(agent, `https://localhost:${port}`).send(new DescribeRepositoriesCommand({}))
    agent.destroy()
  })

  test('refuses a client that does not trust the CA', async () => {
    const error = await new ECRClient({
      region: REGION,
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1
    })
      .send(new DescribeRepositoriesCommand({}))
      .catch((caught: Error) => caught)
    expect((error as Error).message).toMatch(/unable to verify the first certificate/)
  })

  test('counts full and resumed handshakes as the client saw them', async () => {
    // Straight TLS rather than an https.Agent's session cache, which drops a session when a
    // connection closes with an error. Whether OpenSSL resumes an offered session is its own
    // business (it did not under the full suite's load in CI): what the emulator must get right
    // is counting each handshake as the client saw it.
    const { hostname, port } = new URL(emulator.url)
    const connectOnce = (session?: Buffer): Promise<{ ticket?: Buffer; reused: boolean }> =>
      new Promise((resolve) => {
        let ticket: Buffer | undefined
        let reused = false
        const socket = tlsConnect({ host: hostname, port: Number(port), ca, session }, () => {
          reused = socket.isSessionReused()
          socket.end(`GET / HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`)
        })
        socket.on('session', (kept: Buffer) => (ticket = kept))
        socket.on('data', () => {})
        socket.on('error', () => {})
        socket.on('close', () => resolve({ ticket, reused }))
      })
    const first = await connectOnce()
    expect(first.reused).toBe(false)
    expect(first.ticket).toBeInstanceOf(Buffer)
    const seen = [first]
    // A few tries: one resumed handshake, when OpenSSL allows it, shows both counts at work.
    while (seen.length < 4 && !seen.some((c) => c.reused))
      seen.push(await connectOnce(first.ticket))
    const resumed = seen.filter((c) => c.reused).length
    expect(emulator.connections()).toEqual({
      tcp: seen.length,
      tlsFull: seen.length - resumed,
      tlsResumed: resumed
    })
    emulator.resetLog()
    expect(emulator.connections()).toEqual({ tcp: 0, tlsFull: 0, tlsResumed: 0 })
  })

  test('hands out https download URLs and registry realms, served over TLS', async () => {
    const agent = new Agent({ ca, keepAlive: true })
    const example = emulator.seedExample()
    const layer = example.image.blobs[1]!
    const { downloadUrl } = await secure(agent).send(
      new GetDownloadUrlForLayerCommand({
        repositoryName: example.repositories.app,
        layerDigest: layer.digest
      })
    )
    expect(downloadUrl!.startsWith(`${emulator.url}/blobs/`)).toBe(true)
    const blob = await download(downloadUrl!, agent)
    expect(blob.status).toBe(200)
    expect(blob.body.equals(layer.bytes)).toBe(true)
    emulator.state.createPublicRegistry(example.registryId, 'tls')
    const challenge = await new Promise<string>((resolve, reject) =>
      get(`${emulator.url}/v2/tls/app/manifests/latest`, { agent }, (response) => {
        response.resume()
        resolve(String(response.headers['www-authenticate']))
      }).on('error', reject)
    )
    expect(challenge).toContain(`realm="${emulator.url}/token/"`)
    expect(
      (await download(`${emulator.url}/token/?scope=repository:tls/app:pull`, agent)).status
    ).toBe(200)
    agent.destroy()
  })

  test('a child process trusts it through NODE_EXTRA_CA_CERTS', async () => {
    // Asynchronously: this process must keep serving while the child asks.
    const { stdout } = await run(
      process.execPath,
      [
        '-e',
        "fetch(process.argv[1], { method: 'POST' }).then((r) => console.log(r.status))",
        emulator.url
      ],
      { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: emulator.caFile! } }
    )
    expect(stdout.trim()).toBe('403')
  })
})

describe('plain HTTP', () => {
  const context = useEmulator()
  test('counts TCP connections, and no handshakes', async () => {
    const ecr = client(context.emulator)
    context.emulator.resetLog()
    for (let i = 0; i < 3; i++) await ecr.send(new DescribeRepositoriesCommand({}))
    expect(context.emulator.connections()).toEqual({ tcp: 1, tlsFull: 0, tlsResumed: 0 })
    expect(context.emulator.caFile).toBeUndefined()
  })
})

describe('the command line', () => {
  test('--tls prints the CA file; --quotas takes the ECR defaults', async () => {
    const root = new URL('../..', import.meta.url).pathname
    const child = spawn(
      process.execPath,
      [
        '--import',
        './scripts/ts-hooks.js',
        'emulator/cli.ts',
        '--port',
        '0',
        '--tls',
        '--quotas',
        'ecr-defaults'
      ],
      { cwd: root }
    )
    let output = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Quotas:')) resolve()
      })
      child.on('exit', () => reject(new Error(`exited early: ${output}`)))
    })
    expect(output).toMatch(/Local ECR listening on https:\/\/127\.0\.0\.1:\d+/)
    const caFile = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(output)![1]!
    expect(existsSync(caFile)).toBe(true)
    expect(output).toContain('Quotas: ecr-defaults')
    child.kill('SIGTERM')
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0)
    // Stopping removes the throwaway CA.
    expect(existsSync(caFile)).toBe(false)
  })
})
