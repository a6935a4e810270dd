// ECR managed signing in the target, through the bundled action and the command line against the
// local ECR: the plan says the target signs on push and that the role needs signer:SignPayload; the
// report carries each promoted image's signature, and a FAILED one fails the run, naming its code.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { buildImage, pushImage } from '../emulator/index.js'
import { runCommand } from './cli/run.js'

const ACCOUNT = '111111111111'
const REGION = 'us-east-1'
const PROFILE = 'arn:aws:signer:us-east-1:111111111111:/signing-profiles/release_signing'
const emulator = useEmulator({ defaultAccount: ACCOUNT, signingMs: 300 })

let counter = 0
/** A repository under `signed/`, which the registry's signing rule matches. */
function signedRepository(prefix = 'signed') {
  emulator.state.store.signingConfigurations.set(`${ACCOUNT}/${REGION}`, [
    {
      signingProfileArn: PROFILE,
      repositoryFilters: [{ filter: 'signed/*', filterType: 'WILDCARD_MATCH' }]
    }
  ])
  const repository = emulator.state.createRepository(ACCOUNT, REGION, `${prefix}/app${++counter}`)
  const image = buildImage({ files: { 'bin/app': randomBytes(128) } })
  pushImage(repository, image, emulator.state.settings, ['staging'])
  return { repository, image }
}

const inputs = (name: string, extra: Record<string, string> = {}) => ({
  repository: name,
  'source-tag': 'staging',
  tags: 'prod',
  ...extra
})

describe('managed signing in the target', () => {
  test('the plan says so, and the report carries the signature once it is complete', async () => {
    const { repository } = signedRepository()
    // The first read finds the signature still in progress, whatever the machine's speed; the
    // local ECR's own signing (300 ms) is complete by the next, half a second on.
    let reads = 0
    emulator.onRequest(({ operation }) =>
      operation === 'DescribeImageSigningStatus' && reads++ === 0
        ? {
            status: 200,
            body: { signingStatuses: [{ signingProfileArn: PROFILE, status: 'IN_PROGRESS' }] }
          }
        : undefined
    )
    const run = await runDist(inputs(repository.name), emulator.env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('the promoting role needs signer:SignPayload')
    expect(run.stdout).toContain('::group::Signatures: 1 image(s)')
    expect(run.result?.signing).toEqual({
      profiles: [PROFILE],
      statuses: [{ profileArn: PROFILE, status: 'COMPLETE' }]
    })
    expect(run.summary).toContain('✅ Signature COMPLETE')
    // It was in progress at first: the run asked again.
    expect(reads).toBe(2)
  })

  test('a FAILED signature fails the run, naming its failure code; the tags stay', async () => {
    const { repository, image } = signedRepository()
    emulator.state.setSigningStatus(ACCOUNT, REGION, repository.name, image.digest, [
      {
        signingProfileArn: PROFILE,
        status: 'FAILED',
        failureCode: 'PERMISSION_DENIED',
        failureReason: 'The role may not sign with this profile'
      }
    ])
    const run = await runDist(inputs(repository.name), emulator.env)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('failed')
    expect(repository.tags.get('prod')).toBe(image.digest)
    expect(run.stdout).toMatch(/::error title=Signing failed::.*PERMISSION_DENIED/)
    expect(run.summary).toContain('❌ Signature FAILED')
    expect(run.summary).toContain("The tags are in place, but ECR's managed signing failed")
    expect(run.summary).toContain('Signing failed: signed/app')
  })

  test('signing-wait: 0 asks nothing; a repository no rule matches is not waited for', async () => {
    const { repository } = signedRepository()
    const run = await runDist(inputs(repository.name, { 'signing-wait': '0' }), emulator.env)
    expect(run.exitCode).toBe(0)
    expect(emulator.log.some((entry) => entry.operation === 'GetSigningConfiguration')).toBe(false)
    expect(run.result?.signing).toBeUndefined()
    emulator.resetLog()
    const { repository: unsigned } = signedRepository('plain')
    const plain = await runDist(inputs(unsigned.name), emulator.env)
    expect(plain.exitCode).toBe(0)
    expect(plain.result?.signing).toBeUndefined()
    expect(emulator.log.some((entry) => entry.operation === 'DescribeImageSigningStatus')).toBe(
      false
    )
  })

  test('the command line prints the signature', async () => {
    const { repository } = signedRepository()
    const run = await runCommand(
      ['--repository', repository.name, '--source-tag', 'staging', '--tags', 'prod'],
      { ...emulator.env, AWS_REGION: REGION }
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`signature COMPLETE (${PROFILE})`)
  })
})
