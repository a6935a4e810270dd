// ECR's registry-wide calls a promotion within one registry makes: the account settings
// (BLOB_MOUNTING among them) and GetAuthorizationToken, whose token opens the registry's OCI API.
import { randomUUID } from 'node:crypto'
import type { Operation } from '../context.js'
import { invalidParameter } from '../errors.js'
import { ACCOUNT_SETTING_DEFAULTS } from '../store.js'
import { checkEnum, checkRegistryId, requireString } from '../validation.js'

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
