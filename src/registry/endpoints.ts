// Where a service's calls go, as the SDK picks it: its own module, so that what opens connections
// ahead (preconnect.ts) and what names endpoints in errors (service.ts) share it without a cycle.

/** Endpoints configured for the services, as the SDK reads them from the environment. */
export interface Endpoints {
  ECR?: string
  ECR_PUBLIC?: string
}

/**
 * What the SDK will read from the environment for the endpoints (AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS): read once, by whoever starts the
 * run, and handed down.
 */
export function configuredEndpoints(env: NodeJS.ProcessEnv): Endpoints {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return {}
  const of = (serviceId: keyof Endpoints): string | undefined =>
    env[`AWS_ENDPOINT_URL_${serviceId}`] ?? env.AWS_ENDPOINT_URL
  return {
    ...(of('ECR') && { ECR: of('ECR')! }),
    ...(of('ECR_PUBLIC') && { ECR_PUBLIC: of('ECR_PUBLIC')! })
  }
}

/**
 * The endpoint a service's calls go to, as the SDK picks it (AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, then the regional default, in China's partition under amazonaws.com.cn), so
 * that a timeout names where it waited. The SDK alone knows FIPS and dual-stack endpoints; under
 * those this names the regional one (and a connection opened ahead to it goes unused).
 */
export function endpointOf(
  serviceId: 'ECR' | 'ECR_PUBLIC',
  region: string,
  endpoints: Endpoints = {}
): string {
  const configured = endpoints[serviceId]
  if (configured) return configured
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return serviceId === 'ECR'
    ? `https://api.ecr.${region}.${suffix}`
    : `https://api.ecr-public.${region}.${suffix}`
}
