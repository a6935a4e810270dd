// ECR's registry-wide calls: the account settings (BLOB_MOUNTING among them), GetAuthorizationToken,
// whose token opens the registry's OCI API, and the managed signing configuration.
import { randomUUID } from 'node:crypto'
import type { Operation } from '../context.js'
import { ServiceError, invalidMember, invalidParameter } from '../errors.js'
import { ACCOUNT_SETTING_DEFAULTS, type SigningRuleConfig } from '../store.js'
import { checkCount, checkEnum, checkRegistryId, requireString } from '../validation.js'

/** The values each known setting takes (ECR's PutAccountSetting documentation). */
const SETTING_VALUES: Readonly<Record<string, readonly string[]>> = {
  BLOB_MOUNTING: ['ENABLED', 'DISABLED'],
  BASIC_SCAN_TYPE_VERSION: ['AWS_NATIVE', 'CLAIR'],
  REGISTRY_POLICY_SCOPE: ['V1', 'V2']
}

function settingName(body: Record<string, unknown>): string {
  const name = requireString(body, 'name')
  if (!(name in ACCOUNT_SETTING_DEFAULTS))
    throw invalidParameter(`Invalid parameter: the account setting name '${name}' is not supported`)
  return name
}

export const getAccountSetting: Operation = (context) => {
  const name = settingName(context.body)
  return { name, value: context.store.accountSetting(context.account, context.region, name) }
}

export const putAccountSetting: Operation = (context) => {
  const name = settingName(context.body)
  const value = requireString(context.body, 'value')
  checkEnum('value', value, SETTING_VALUES[name]!)
  const key = `${context.account}/${context.region}`
  const settings = context.store.accountSettings.get(key) ?? new Map<string, string>()
  settings.set(name, value)
  context.store.accountSettings.set(key, settings)
  return { name, value }
}

/** Twelve hours, as ECR's tokens last. */
const TOKEN_LIFETIME_S = 12 * 60 * 60

export const getAuthorizationToken: Operation = (context) => {
  const ids = (context.body.registryIds as string[] | undefined) ?? [context.account]
  for (const id of ids) checkRegistryId(id)
  return {
    authorizationData: ids.map((registryId) => {
      const password = randomUUID()
      context.store.privatePasswords.set(password, { registryId, region: context.region })
      return {
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: Date.now() / 1000 + TOKEN_LIFETIME_S,
        proxyEndpoint: context.registryUrl(registryId, context.region)
      }
    })
  }
}

/** GetSigningConfiguration: the caller's registry's managed signing rules in the region. */
export const getSigningConfiguration: Operation = (context) => {
  const rules = context.store.signingConfigurations.get(`${context.account}/${context.region}`)
  if (!rules)
    throw new ServiceError(
      'SigningConfigurationNotFoundException',
      `The registry ${context.account} has no signing configuration`
    )
  return { registryId: context.account, signingConfiguration: { rules } }
}

/** PutSigningConfiguration: up to 10 rules, each a profile and up to 100 wildcard filters. */
export const putSigningConfiguration: Operation = (context) => {
  const configuration = context.body.signingConfiguration as { rules?: unknown } | undefined
  const rules = configuration?.rules
  if (!Array.isArray(rules))
    throw invalidMember('signingConfiguration.rules', 'Member must not be null')
  checkCount('signingConfiguration.rules', rules, 0, 10)
  for (const rule of rules as SigningRuleConfig[]) {
    if (typeof rule.signingProfileArn !== 'string')
      throw invalidMember('signingProfileArn', 'Member must not be null')
    if (rule.repositoryFilters !== undefined)
      checkCount('repositoryFilters', rule.repositoryFilters, 1, 100)
  }
  context.store.signingConfigurations.set(
    `${context.account}/${context.region}`,
    rules as SigningRuleConfig[]
  )
  return { registryId: context.account, signingConfiguration: { rules } }
}
