// What the gates are asked, and what they answer, as plain data.

/** ECR's severities, the ones a threshold can name; in order. */
export const THRESHOLDS = ['low', 'medium', 'high', 'critical'] as const
export type Threshold = (typeof THRESHOLDS)[number]

export interface VulnerabilityGate {
  /** Findings at or above this severity refuse the promotion. */
  threshold: Threshold
  /** CVE or finding ids that do not count. */
  ignore: string[]
  /** How long to wait for a scan that is PENDING or IN_PROGRESS; 0 for not at all. */
  waitMs: number
  /** Vulnerability data older than this refuses the promotion. */
  maxAgeMs?: number
  /** Count only findings a fix exists for (enhanced scanning says; basic scanning does not). */
  fixableOnly: boolean
  /** An index with nothing to judge (empty, or attestations only) passes; by default it is refused. */
  allowNothingToJudge?: boolean
}

export interface SigstoreGate {
  /** The certificate's identity (its SAN): exact, or a regular expression matching all of it. */
  identity: string | RegExp
  /** The OIDC issuer, e.g. https://token.actions.githubusercontent.com. */
  issuer: string
  /** A Sigstore trusted root file; unset: Sigstore's public-good instance, through TUF. */
  trustedRootPath?: string
}

export interface GateRequest {
  vulnerability?: VulnerabilityGate
  signature?: {
    /** ECR managed signing (AWS Signer): DescribeImageSigningStatus says COMPLETE. */
    ecr: boolean
    sigstore?: SigstoreGate
  }
}

/** A finding that decided a vulnerability gate's refusal, as ECR reported it. */
export interface DecidingFinding {
  id: string
  severity: string
  package?: string
  version?: string
  fixedIn?: string
  url?: string
  /** The platforms it was found in (`image` for a single manifest). */
  platforms: string[]
}

/** One gate's answer for one image, with what the summary and the record show of it. */
export interface GateVerdict {
  gate: 'vulnerability' | 'ecr-signature' | 'sigstore-signature'
  passed: boolean
  /** One line: the severity counts, or who signed. */
  summary: string
  /** Why it refused, and what to do. */
  reason?: string
  /** Severity counts by platform (or `image` for a single manifest), for the vulnerability gate. */
  counts?: Record<string, Record<string, number>>
  /** The findings that refused the image, worst first, at most ten; `moreFindings` counts the rest. */
  findings?: DecidingFinding[]
  moreFindings?: number
  /** Who signed, for a signature gate that passed. */
  signer?: { identity: string; issuer: string }
  /** The referrer whose bundle was verified (sigstore), or the signing profile (ECR). */
  evidence?: string
}
