// Where a service's calls go, as the SDK picks it: its own module, so that what opens connections
// ahead (preconnect.ts) and what names endpoints in errors (service.ts) share it without a cycle.

/**
 * The endpoint a service's calls go to, as the SDK picks it (AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, then the regional default, in China's partition under amazonaws.com.cn), so
 * that a timeout names where it waited. The SDK alone knows FIPS and dual-stack endpoints; under
 * those this names the regional one (and a connection opened ahead to it goes unused).
 */
export function endpointOf(serviceId: 'ECR' | 'ECR_PUBLIC', region: string): string {
  const configured =
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
      ? undefined
      : (process.env[`AWS_ENDPOINT_URL_${serviceId}`] ?? process.env.AWS_ENDPOINT_URL)
  if (configured) return configured
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  return serviceId === 'ECR'
    ? `https://api.ecr.${region}.${suffix}`
    : `https://api.ecr-public.${region}.${suffix}`
}
