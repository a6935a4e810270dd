// The one error of the Sigstore gate's trust material, apart from the libraries that load it, so
// that the gates can tell it without loading them.

/**
 * The trust material could not be had: the gate cannot decide anything, so the run fails. A TUF
 * repository that could not be fetched may answer a rerun (`retryable`); a bad file will not.
 */
export class TrustMaterialError extends Error {
  override name = 'TrustMaterialError'
  retryable = false
}
