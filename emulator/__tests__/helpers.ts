// Shared setup for the emulator's tests: an emulator, and real SDK clients pointed at it.
import { afterAll, beforeAll } from '@jest/globals'
import { ECRClient, type ECRClientConfig } from '@aws-sdk/client-ecr'
import { createHash } from 'node:crypto'
import { startEmulator, type Emulator, type EmulatorOptions } from '../index.js'

export const ACCOUNT = '123456789012'
export const REGION = 'us-east-1'

export function client(
  emulator: Emulator,
  config: Partial<ECRClientConfig> & { accessKeyId?: string } = {}
): ECRClient {
  const { accessKeyId = 'AKIDTEST', ...rest } = config
  return new ECRClient({
    region: REGION,
    endpoint: emulator.url,
    credentials: { accessKeyId, secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    ...rest
  })
}

export const sha256 = (data: string | Buffer): string =>
  'sha256:' + createHash('sha256').update(data).digest('hex')

/** Runs `body` expecting an ECR error; returns it for assertions on name, status and message. */
export async function ecrError(
  body: () => Promise<unknown>
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await body()
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } }
  }
  throw new Error('expected an ECR error')
}

/** One emulator per test file, closed afterwards. */
export function useEmulator(options: EmulatorOptions = {}): { readonly emulator: Emulator } {
  const holder: { emulator?: Emulator } = {}
  beforeAll(async () => {
    holder.emulator = await startEmulator(options)
  })
  afterAll(async () => {
    await holder.emulator?.close()
  })
  return {
    get emulator() {
      return holder.emulator!
    }
  }
}
