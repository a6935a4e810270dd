// The region the SDK's default chain finds when the caller names none: AWS_REGION, then the
// profile's (AWS_PROFILE, or default) in the shared config file, as the AWS CLI finds it.

/** The default chain's region, or undefined when it finds none. Loads the SDK. */
export async function configuredRegion(): Promise<string | undefined> {
  const { ECRClient } = await import('@aws-sdk/client-ecr')
  const client = new ECRClient({})
  try {
    return await client.config.region()
  } catch {
    return undefined
  } finally {
    client.destroy()
  }
}
