// Credentials never reach the log, the outputs or the job summary: canary values in the secret key
// and session token, step debug on, through success and every kind of failure.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildImage, pushImage, type HookReply } from '../emulator/index.js'

const SECRET = 'CANARYsecretKEY0123456789abcdefGHIJKLMNOP'
const TOKEN = 'CANARYsessionTOKEN/FwoGZXIvYXdzEJr//////////wEaDK1234567890'
const ACCOUNT = '123456789012'
const REGION = 'us-east-1'
const emulator = useEmulator()
let env: NodeJS.ProcessEnv

beforeAll(() => {
  env = {
    ...emulator.env,
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: TOKEN,
    RUNNER_DEBUG: '1',
    ACTIONS_STEP_DEBUG: 'true'
  }
  const app = emulator.state.createRepository(ACCOUNT, REGION, 'secrets/app')
  const immutable = emulator.state.createRepository(ACCOUNT, REGION, 'secrets/immutable', {
    tagMutability: 'IMMUTABLE'
  })
  const [image, other] = [0, 1].map(() => buildImage({ files: { 'bin/app': randomBytes(300) } }))
  pushImage(app, image!, emulator.state.settings, ['staging'])
  pushImage(immutable, image!, emulator.state.settings, ['staging'])
  pushImage(immutable, other!, emulator.state.settings, ['prod'])
  const corrupt = emulator.state.createRepository(ACCOUNT, REGION, 'secrets/corrupt')
  pushImage(corrupt, image!, emulator.state.settings, ['staging'])
  corrupt.blobs.get(image!.blobs[1]!.digest)!.chunks = [randomBytes(image!.blobs[1]!.bytes.length)]
  emulator.state.createRepository(ACCOUNT, REGION, 'secrets/target')
})

const reject = (type: string, status = 400): HookReply => ({
  status,
  body: { __type: type, message: `${type} for this request` }
})

const cases: Array<
  [string, Record<string, string>, ((operation: string) => HookReply) | undefined, number]
> = [
  ['success', { repository: 'secrets/app', 'source-tag': 'staging', tags: 'prod' }, undefined, 0],
  [
    'a bad input',
    { repository: 'secrets/app', 'source-tag': 'staging', tags: 'no tags allowed here' },
    undefined,
    1
  ],
  [
    'a missing source',
    { repository: 'secrets/app', 'source-tag': 'nope', tags: 'prod' },
    undefined,
    1
  ],
  [
    'an immutable conflict',
    { repository: 'secrets/immutable', 'source-tag': 'staging', tags: 'prod' },
    undefined,
    1
  ],
  [
    'a protected tag',
    { repository: 'secrets/immutable', 'source-tag': 'staging', tags: 'prod', 'protect-tags': '*' },
    undefined,
    1
  ],
  [
    'a corrupt blob',
    {
      repository: 'secrets/corrupt',
      'source-tag': 'staging',
      tags: 'prod',
      'target-repository': 'secrets/target'
    },
    undefined,
    1
  ],
  [
    'rejected credentials',
    { repository: 'secrets/app', 'source-tag': 'staging', tags: 'x' },
    () => reject('UnrecognizedClientException'),
    1
  ],
  [
    'access denied on write',
    { repository: 'secrets/app', 'source-tag': 'staging', tags: 'y' },
    (op) => (op === 'PutImage' ? reject('AccessDeniedException') : undefined),
    1
  ],
  [
    'a KMS failure',
    { repository: 'secrets/app', 'source-tag': 'staging', tags: 'z' },
    (op) => (op === 'PutImage' ? reject('KmsException') : undefined),
    1
  ],
  [
    'a missing repository',
    { repository: 'secrets/none', 'source-tag': 'staging', tags: 'prod' },
    undefined,
    1
  ]
]

function expectNoSecret(text: string): void {
  for (const secret of [SECRET, TOKEN, SECRET.slice(6, 26), TOKEN.slice(6, 26)])
    expect(text).not.toContain(secret)
}

describe('credentials stay secret', () => {
  test.each(cases)('with %s', async (_name, inputs, hook, exitCode) => {
    emulator.onRequest(hook && ((request) => hook(request.operation)))
    const run = await runDist(inputs, env)
    emulator.onRequest(undefined)
    expect(run.exitCode).toBe(exitCode)
    expect(run.stdout).toContain(exitCode === 0 ? '::debug::' : '::error')
    expectNoSecret(run.stdout + run.stderr + JSON.stringify(run.outputs) + run.summary)
  })

  test('with retries exhausted', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, env)
    try {
      emulator.setFaults({ rules: [{ kind: 'server-error', rate: 1, operations: ['PutImage'] }] })
      const run = await runAction(
        { repository: 'secrets/app', 'source-tag': 'staging', tags: 'retried' },
        env,
        { registry: { retryDelay: () => 0 } }
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('kept failing after 12 attempts')
      expectNoSecret(run.stdout + JSON.stringify(run.outputs) + run.summary)
    } finally {
      emulator.setFaults({})
      process.env = saved
    }
  })
})
