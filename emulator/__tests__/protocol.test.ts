// The wire protocol: JSON 1.1 on POST /, X-Amz-Target dispatch, ECR's error shape, SigV4-signed
// requests with the region from the credential scope, and several accounts and regions.
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient
} from '@aws-sdk/client-ecr'
import { describe, expect, test } from '@jest/globals'
import { ACCOUNT, client, ecrError, useEmulator } from './helpers.js'

const context = useEmulator({ accounts: { AKIDPROD: '222222222222' } })

async function raw(headers: Record<string, string>, body = '{}') {
  const response = await fetch(context.emulator.url, { method: 'POST', headers, body })
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>
  }
}
const signed = (target: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${target}`,
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDRAW/20261122/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=abc'
})

describe('the wire protocol', () => {
  test('answers JSON 1.1 by X-Amz-Target, and errors as {__type, message} with HTTP 400', async () => {
    const ok = await raw(signed('DescribeRepositories'))
    expect(ok).toMatchObject({
      status: 200,
      contentType: 'application/x-amz-json-1.1',
      body: { repositories: [] }
    })
    const missing = await raw(signed('DescribeRepositories'), '{"repositoryNames":["nope"]}')
    expect(missing).toMatchObject({
      status: 400,
      body: {
        __type: 'RepositoryNotFoundException',
        message: `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`
      }
    })
  })

  test('refuses an unsigned request, and an unknown operation', async () => {
    const unsigned = await raw({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories'
    })
    expect(unsigned).toMatchObject({
      status: 403,
      body: { __type: 'MissingAuthenticationTokenException' }
    })
    const unknown = await raw(signed('FlyToTheMoon'))
    expect(unknown).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } })
    const notJson = await raw(signed('DescribeRepositories'), '{nope')
    expect(notJson).toMatchObject({ status: 400, body: { __type: 'SerializationException' } })
  })

  test('takes the region from the credential scope: one URL, separate state per region', async () => {
    const east = client(context.emulator)
    const west = client(context.emulator, { region: 'eu-west-1' })
    await east.send(new CreateRepositoryCommand({ repositoryName: 'regional' }))
    await west.send(new CreateRepositoryCommand({ repositoryName: 'regional' }))
    const eastRepo = (
      await east.send(new DescribeRepositoriesCommand({ repositoryNames: ['regional'] }))
    ).repositories![0]!
    const westRepo = (
      await west.send(new DescribeRepositoriesCommand({ repositoryNames: ['regional'] }))
    ).repositories![0]!
    expect(eastRepo.repositoryUri).toBe(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/regional`)
    expect(westRepo.repositoryArn).toBe(`arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/regional`)
    expect(
      context.emulator.log
        .filter((entry) => entry.operation === 'CreateRepository')
        .map((entry) => entry.region)
    ).toEqual(['us-east-1', 'eu-west-1'])
  })

  test('maps access keys to accounts, and acts on the registry a request names', async () => {
    const prod = client(context.emulator, { accessKeyId: 'AKIDPROD' })
    await prod.send(new CreateRepositoryCommand({ repositoryName: 'owned' }))
    const dev = client(context.emulator)
    expect(
      (
        await dev.send(
          new DescribeRepositoriesCommand({
            registryId: '222222222222',
            repositoryNames: ['owned']
          })
        )
      ).repositories![0]!.registryId
    ).toBe('222222222222')
    const error = await ecrError(() =>
      dev.send(new DescribeRepositoriesCommand({ repositoryNames: ['owned'] }))
    )
    expect(error.name).toBe('RepositoryNotFoundException')
    expect(error.$metadata.httpStatusCode).toBe(400)
  })

  test('is reached through AWS_ENDPOINT_URL_ECR by a client configured with no endpoint', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ECR: context.emulator.url,
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'x'
    })
    try {
      const fromEnvironment = new ECRClient({ region: 'ap-south-1', maxAttempts: 1 })
      await fromEnvironment.send(new CreateRepositoryCommand({ repositoryName: 'from-env' }))
      expect(context.emulator.state.store.find(ACCOUNT, 'ap-south-1', 'from-env')).toBeDefined()
    } finally {
      process.env = saved
    }
  })

  test('validates names and registry ids as ECR does: InvalidParameterException, not ValidationException', async () => {
    const ecr = client(context.emulator)
    const badName = await ecrError(() =>
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad_Name' }))
    )
    expect(badName.name).toBe('InvalidParameterException')
    expect(badName.message).toMatch(
      /^Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '.+''$/
    )
    const short = await ecrError(() =>
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'a' }))
    )
    expect(short.message).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'"
    )
    const badRegistry = await ecrError(() =>
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'ok', registryId: '12' }))
    )
    expect(badRegistry.name).toBe('InvalidParameterException')
    const duplicate = await ecrError(async () => {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'twice' }))
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'twice' }))
    })
    expect(duplicate.name).toBe('RepositoryAlreadyExistsException')
  })
})
