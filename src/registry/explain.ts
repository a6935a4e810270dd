// What happened and what to do, for each ECR error the action meets: the words its messages use.
import type { EcrError } from './errors.js'

export interface WriteContext {
  tag: string
  repository: string
  digest: string
}

/** What to check when ECR cannot be reached or does not answer. */
const NETWORK_ADVICE =
  'Check the network path to ECR (proxy, VPC endpoint, firewall) and any endpoint set with AWS_ENDPOINT_URL_ECR.'

/** Errors after which no other tag can succeed either, so no further write is started. */
const PER_TAG_CODES = new Set(['ImageAlreadyExistsException', 'ImageTagAlreadyExistsException'])

export function stopsOtherWrites(error: EcrError): boolean {
  return !PER_TAG_CODES.has(error.code)
}

/** ECR Public's own errors: a registry that is not there, or its API called outside us-east-1. */
function publicProblem(error: EcrError): string {
  return error.code === 'RegistryNotFoundException'
    ? 'ECR Public has no such registry. The account of these credentials has no public registry yet (create one in the ECR Public console), or the registry id is wrong.'
    : 'ECR Public does not support this command here: its API exists only in us-east-1. Check AWS_ENDPOINT_URL_ECR_PUBLIC or any endpoint override that points it elsewhere.'
}

/** What to check when AWS refuses the credentials themselves, whatever the call. */
export function credentialProblem(error: EcrError): string {
  if (error.code === 'CredentialsProviderError')
    return 'no AWS credentials were found. Configure them first: in a workflow with aws-actions/configure-aws-credentials, elsewhere as for the AWS CLI (environment variables, a profile, or a role).'
  if (error.code === 'ExpiredTokenException')
    return 'the AWS credentials have expired (ExpiredTokenException). Renew them, or give the role session a longer duration (role-duration-seconds of aws-actions/configure-aws-credentials) than the promotion takes.'
  return `AWS rejected the credentials (${error.code}). Check that they are current, for the right account and partition, and that nothing changed them during the run.`
}

/** What happened and what to do, for an ECR error while copying a blob into another repository. */
/** Why creating a missing target repository failed, and what to do about it. */
export function explainCreateError(error: EcrError, repository: string): string {
  const detail = error.message ? ` ECR said: ${error.message}` : ''
  const what = `Creating the target repository ${repository}`
  switch (error.code) {
    case 'AccessDeniedException':
      return `${what} was denied. create-repository needs ecr:CreateRepository on it (docs/iam.md), or create the repository first.${detail}`
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'CredentialsProviderError':
      return `${what} failed: ${credentialProblem(error)}`
    case 'RequestTimeout':
    case 'NetworkingError':
    case 'EndpointUnreachable':
      return `${what} failed: ${error.message}. ${NETWORK_ADVICE}`
    default:
      return `${what} failed: ${error.code}.${detail}`
  }
}

export function explainCopyError(
  error: EcrError,
  context: { blob: string; source: string; target: string }
): string {
  const detail = error.message ? ` ECR said: ${error.message}` : ''
  const what = `Copying blob ${context.blob} from ${context.source} into ${context.target}`
  switch (error.code) {
    case 'AccessDeniedException':
      return `${what} was denied. The role needs ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the source, and ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart and ecr:CompleteLayerUpload on the target (ecr-public: for ECR Public; docs/iam.md).${detail}`
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'CredentialsProviderError':
      return `${what} failed: ${credentialProblem(error)}`
    case 'RepositoryNotFoundException':
      return `${what} failed: the repository does not exist. Check the target repository, registry id and region.${detail}`
    case 'RequestTimeout':
    case 'NetworkingError':
    case 'EndpointUnreachable':
      return `${what} failed: ${error.message}. ${NETWORK_ADVICE}`
    case 'KmsException':
      return `${what} failed with a KMS error: the target repository's KMS key refused the request. Check the key policy (kms:Decrypt, kms:GenerateDataKey).${detail}`
    default:
      return `${what} failed: ${error.code}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}${error.attempts > 1 ? ` after ${error.attempts} attempts` : ''}.${detail}`
  }
}

/** What happened and what to do, for an ECR error on a write. */
export function explainWriteError(error: EcrError, context: WriteContext): string {
  const at = `tag "${context.tag}" in "${context.repository}"`
  const detail = error.message ? ` ECR said: ${error.message}` : ''
  switch (error.code) {
    case 'LayersNotFoundException':
      return `PutImage for ${at} failed: some config or layer blobs of ${context.digest} are not in this repository. Push the image to this repository first, or promote from the repository that holds its layers.${detail}`
    case 'ReferencedImagesNotFoundException':
      return `PutImage for ${at} failed: the index ${context.digest} refers to child manifests that are not in this repository. Push every platform image first.${detail}`
    case 'ImageDigestDoesNotMatchException':
      return `PutImage for ${at} failed: ECR computed a different digest than ${context.digest} for the manifest, so the write was refused rather than create a different image. Nothing was changed for this tag.${detail}`
    case 'KmsException':
      return `PutImage for ${at} failed with a KMS error: the repository's KMS key refused the request. Check the key policy and that the role may use the key (kms:Decrypt, kms:GenerateDataKey).${detail}`
    case 'RepositoryNotFoundException':
      return `PutImage for ${at} failed: the repository does not exist in this registry and region. Check repository, registry-id and region.${detail}`
    case 'LimitExceededException':
      return `PutImage for ${at} failed: an ECR limit was reached, most likely the 1,000 tags an image may carry, which no retry gets past. Remove tags the image no longer needs (aws ecr batch-delete-image with their imageTag), then run again.${detail}`
    case 'InvalidParameterException':
      return `PutImage for ${at} was rejected as invalid.${detail}`
    case 'ServerException':
      return `PutImage for ${at} failed: ECR had an internal error and kept failing after ${error.attempts} attempts. Rerun the job; tags already done stay done.${detail}`
    case 'ThrottlingException':
      return `PutImage for ${at} was still throttled after ${error.attempts} attempts: other callers are using the account's PutImage quota. Rerun the job later, or ask for a higher quota and set put-image-rate; tags already done stay done.${detail}`
    case 'RequestTimeout':
    case 'NetworkingError':
    case 'EndpointUnreachable':
      return `PutImage for ${at} failed: ${error.message}. ${NETWORK_ADVICE} A rerun finishes the tags not done.`
    case 'Cancelled':
    case 'NotSent':
      return `PutImage for ${at}: ${error.message}.`
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'CredentialsProviderError':
      return `PutImage for ${at} failed: ${credentialProblem(error)} No other write was sent after it.`
    case 'AccessDeniedException':
      return `PutImage for ${at} was denied. The role needs ecr:PutImage (ecr-public:PutImage for ECR Public) on this repository (docs/iam.md).${detail}`
    case 'RegistryNotFoundException':
    case 'UnsupportedCommandException':
      return `PutImage for ${at} failed: ${publicProblem(error)}${detail}`
    default:
      return `PutImage for ${at} failed: ${error.code}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}.${detail}`
  }
}

/** What happened and what to do, when reading the images (BatchGetImage) fails outright. */
export function explainReadError(error: EcrError, where: string): string {
  const detail = error.message ? ` ECR said: ${error.message}` : ''
  switch (error.code) {
    case 'RepositoryNotFoundException':
      return `Cannot read repository ${where}: the repository does not exist there. Check repository, registry-id and region.${detail}`
    case 'AccessDeniedException':
      return `Cannot read repository ${where}: access denied. The role needs ecr:BatchGetImage on this repository, or for ECR Public ecr-public:DescribeImageTags, ecr-public:DescribeImages, ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken (docs/iam.md).${detail}`
    case 'RegistryNotFoundException':
    case 'UnsupportedCommandException':
      return `Cannot read repository ${where}: ${publicProblem(error)}${detail}`
    case 'RegistryAliasNotFound':
      return `Cannot write to repository ${where}: ${error.message}`
    case 'CredentialsProviderError':
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return `Cannot read repository ${where}: ${credentialProblem(error)}`
    case 'RequestTimeout':
    case 'NetworkingError':
    case 'EndpointUnreachable':
      return `Cannot read repository ${where}: ${error.message}. ${NETWORK_ADVICE}`
    default:
      return `Cannot read repository ${where}: ${error.code}${error.httpStatus ? ` (HTTP ${error.httpStatus})` : ''}${error.attempts > 1 ? ` after ${error.attempts} attempts` : ''}.${detail}`
  }
}
