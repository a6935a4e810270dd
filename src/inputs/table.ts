// Every input, once: its name, what it means and its default. action.yml is checked against this
// table, and the command line's options and --help are made from it, so the two faces can never
// drift apart.

export interface InputSpec {
  name: string
  description: string
  /** The default as action.yml states it; unset when the input has none. */
  default?: string
  /** true/false: a flag on the command line. */
  boolean?: boolean
  /** A list (newlines or commas): repeatable on the command line. */
  list?: boolean
  /** For --help: the kind of value, shown after the option. */
  value?: string
}

export const INPUTS: readonly InputSpec[] = [
  {
    name: 'repository',
    value: 'REPOSITORY',
    description:
      'Repository name, a full URI ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME (registry id and region are then taken from it), or an ECR Public repository public.ecr.aws/ALIAS/NAME.'
  },
  {
    name: 'source-tag',
    value: 'TAG',
    description:
      'Tag of the image to promote. Give source-tag, source-digest, or both (they must agree).'
  },
  {
    name: 'source-digest',
    value: 'DIGEST',
    description: 'Digest (sha256:...) of the image to promote.'
  },
  {
    name: 'sources',
    value: 'IMAGE',
    list: true,
    description:
      "A release: images to promote in one step, one per line, each REPOSITORY:TAG, REPOSITORY@DIGEST or REPOSITORY:TAG@DIGEST (the digest is then that image's expected digest); or a YAML/JSON list of release entries, as in sources-file. Replaces the repository input, source-tag and source-digest."
  },
  {
    name: 'sources-file',
    value: 'PATH',
    description:
      'A release file (YAML or JSON, schema in schema/release.schema.json): a list of entries with keys "repository", "tag" and/or "digest", and optional "expected-digest", "target-repository" and "tags". At most 4 MiB; on a runner it must be inside the workspace.'
  },
  {
    name: 'tags',
    value: 'TAG',
    list: true,
    description:
      'New tags, separated by newlines and/or commas. Full references REGISTRY/REPOSITORY:TAG (as docker/metadata-action outputs them) are accepted when they name the target repository of a single image.'
  },
  {
    name: 'expected-digest',
    value: 'DIGEST',
    description:
      'Guard. The source must resolve to exactly this digest, or the run fails before any write.'
  },
  {
    name: 'registry-id',
    value: 'ACCOUNT',
    description:
      "The 12-digit AWS account id of the registry. Default the caller's account (or the one in a full repository URI)."
  },
  {
    name: 'region',
    value: 'REGION',
    description:
      'AWS region. Default the one in a full repository URI, then AWS_REGION or AWS_DEFAULT_REGION.'
  },
  {
    name: 'protect-tags',
    value: 'PATTERN',
    list: true,
    description:
      'Glob patterns (v*, or * for all) of tags that must never move. A protected tag at another digest fails the run before any write.'
  },
  {
    name: 'dry-run',
    boolean: true,
    default: 'false',
    description:
      'Resolve and plan, print the plan, write nothing. It fails exactly where the real run would.'
  },
  {
    name: 'target-repository',
    value: 'REPOSITORY',
    description:
      'Repository the new tags go in (name, full URI, or public.ecr.aws/ALIAS/NAME), when it is not the source repository. Blobs and manifests the target lacks are copied through the ECR API first.'
  },
  {
    name: 'target-registry-id',
    value: 'ACCOUNT',
    description: "12-digit AWS account id of the target registry. Default the source's."
  },
  {
    name: 'target-region',
    value: 'REGION',
    description: "AWS region of the target repository. Default the source's."
  },
  {
    name: 'copy-referrers',
    boolean: true,
    default: 'true',
    description:
      "When copying into another repository, also copy the image's OCI referrers (signatures, SBOMs, attestations)."
  },
  {
    name: 'create-repository',
    boolean: true,
    default: 'false',
    description:
      "A target repository that does not exist is created before any copy, with the source repository's tag mutability and exclusion filters, encryption and scan on push (not its tags or policies); needs ecr:CreateRepository. Otherwise a missing target fails the run before any write."
  },
  {
    name: 'restore-archived',
    boolean: true,
    default: 'false',
    description:
      "An image (or an index's child manifest, or a referrer to copy) in ECR's archive storage class is refused before any write, with how to restore it. true: the run restores it (UpdateImageStorageClass) and waits until it is ACTIVE, within timeout, then promotes. A restore can take about 20 minutes and is charged (the archive's 90-day minimum)."
  },
  {
    name: 'lifecycle-check',
    default: 'warn',
    value: 'warn|refuse|off',
    description:
      "Each target repository's lifecycle policy, evaluated as ECR would after the promotion: a rule that would expire or archive the promoted image within lifecycle-horizon (ages count from the image's push, not the promotion) warns, refuses the run before any write, or is not read (off)."
  },
  {
    name: 'lifecycle-horizon',
    default: '30d',
    value: 'DURATION',
    description: 'How far ahead lifecycle-check looks (30d, 90d).'
  },
  {
    name: 'signing-wait',
    default: '30s',
    value: 'DURATION',
    description:
      "When ECR's managed signing signs what is pushed into a target, how long to wait after the writes for each promoted image's signature before reporting its status (a FAILED signature fails the run); 0: not asked."
  },
  {
    name: 'on-failure',
    value: 'CHOICE',
    default: 'keep',
    description:
      'When a tag write fails part way: keep (the tags written stay; a rerun finishes) or rollback (each tag this run moved goes back to its previous digest and each it created is removed, only where a read shows it still at the digest this run wrote). Rollback needs ecr:BatchDeleteImage on the target.'
  },
  {
    name: 'vulnerability-threshold',
    value: 'SEVERITY',
    description:
      "Vulnerability gate: refuse the promotion, before any write, if ECR's scan of the source finds vulnerabilities at or above critical, high, medium or low (UNDEFINED and UNTRIAGED count as low). Every platform of an index is gated."
  },
  {
    name: 'ignore-vulnerabilities',
    value: 'ID',
    list: true,
    description: 'CVE or finding ids the vulnerability gate does not count.'
  },
  {
    name: 'fixable-only',
    boolean: true,
    default: 'false',
    description:
      'The vulnerability gate counts only findings a fix is available for (enhanced scanning says so; basic scanning findings always count).'
  },
  {
    name: 'allow-nothing-to-judge',
    boolean: true,
    default: 'false',
    description:
      'An index the vulnerability gate finds nothing to judge in (empty, or attestations only) passes instead of being refused.'
  },
  {
    name: 'scan-wait',
    value: 'DURATION',
    default: '0',
    description:
      'How long the vulnerability gate waits for a scan that is PENDING or IN_PROGRESS, e.g. 5m; 0 does not wait. A scan is never started.'
  },
  {
    name: 'scan-max-age',
    value: 'DURATION',
    description:
      'The vulnerability gate refuses findings whose vulnerability data is older than this, e.g. 7d.'
  },
  {
    name: 'require-signature',
    value: 'KIND',
    list: true,
    description:
      'Signature gate: ecr (ECR managed signing reports a completed signature) and/or sigstore (a Sigstore bundle referrer verified for signer-identity and signer-issuer).'
  },
  {
    name: 'signer-identity',
    value: 'IDENTITY',
    description:
      "For require-signature: sigstore, the signing certificate's identity: exact, or a regular expression between slashes (/.../) that must match all of it."
  },
  {
    name: 'signer-issuer',
    value: 'URL',
    description:
      "For require-signature: sigstore, the signer's OIDC issuer, e.g. https://token.actions.githubusercontent.com."
  },
  {
    name: 'sigstore-trusted-root',
    value: 'PATH',
    description:
      "A Sigstore trusted root file for a private Sigstore instance; default Sigstore's public-good instance."
  },
  {
    name: 'rollback-record',
    value: 'FILE',
    description:
      'Instead of promoting: undo the run whose promotion record this is (its record output, or an attestation of it). Each tag it created is removed and each tag it moved goes back to its previous digest, only where the tag still points at the digest that run wrote; a tag moved since is refused and left alone. Takes only dry-run, put-image-rate and the timeout input besides.'
  },
  {
    name: 'put-image-rate',
    value: 'PER_SECOND',
    default: '10',
    description:
      "PutImage calls per second, per target account and region: ECR's default quota. Raise it only if the account's quota was raised."
  },
  {
    name: 'timeout',
    value: 'DURATION',
    description:
      'Overall deadline with its unit, e.g. 10m, 90s or 2d (up to 365d): past it the run starts no new write, finishes those in flight and reports what was done. Default none (the job timeout).'
  }
]
