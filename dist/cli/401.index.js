export const id = 401;
export const ids = [401];
export const modules = {

/***/ 9401:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  TrustMaterialError: () => (/* reexport */ trust_error/* TrustMaterialError */.u),
  loadTrustMaterial: () => (/* reexport */ loadTrustMaterial),
  trustMaterialFromJSON: () => (/* reexport */ trustMaterialFromJSON),
  verifySignatureBundle: () => (/* binding */ verifySignatureBundle)
});

// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(1040);
// EXTERNAL MODULE: ./node_modules/@sigstore/verify/dist/index.js
var verify_dist = __webpack_require__(4187);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/@sigstore/protobuf-specs/dist/index.js
var protobuf_specs_dist = __webpack_require__(9654);
// EXTERNAL MODULE: ./src/promotion/gates/trust-error.ts
var trust_error = __webpack_require__(8751);
;// CONCATENATED MODULE: ./src/promotion/gates/sigstore-trust.ts
// What the signature gate trusts: a Sigstore trusted root (the Fulcio CAs, Rekor and CT logs and
// timestamp authorities a signature must chain to), from a file or from Sigstore's TUF repository.





const TRUSTED_ROOT_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot/;
async function loadTrustMaterial(source = {}) {
    if (source.trustedRootPath === undefined)
        return trustMaterialFromTUF(source);
    const path = source.trustedRootPath;
    return trustMaterialFromJSON(await readJSON(path), path);
}
/** Trust material from a trusted root already parsed from JSON; `place` is where it came from. */
function trustMaterialFromJSON(json, place = 'the document') {
    const problem = documentProblem(json);
    if (problem)
        throw trustError(`${place} does not hold a Sigstore trusted root: ${problem}`);
    return usableMaterial(() => protobuf_specs_dist.TrustedRoot.fromJSON(json), place);
}
async function readJSON(path) {
    let text;
    try {
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT' ? 'there is no such file' : messageOf(error);
        throw trustError(`Cannot read the Sigstore trusted root ${path}: ${why}`, error);
    }
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw trustError(`The Sigstore trusted root ${path} is not JSON: ${messageOf(error)}`, error);
    }
}
function documentProblem(json) {
    if (typeof json !== 'object' || json === null || Array.isArray(json))
        return `it holds ${kindOf(json)}, not an object`;
    const document = json;
    // The likeliest mix-up: TUF's root.json, which signs the repository, not the trusted root.
    if ('signed' in document && 'signatures' in document)
        return "it is TUF metadata (a root.json); the trusted root is the repository's trusted_root.json target";
    if (typeof document.mediaType !== 'string' || !TRUSTED_ROOT_MEDIA_TYPE.test(document.mediaType))
        return `its mediaType is ${JSON.stringify(document.mediaType)}, not application/vnd.dev.sigstore.trustedroot…`;
    return undefined;
}
// Without a CA, a transparency log and a CT log no Fulcio-certified signature can ever verify, so
// such a root is refused here rather than failing every bundle later.
function usableMaterial(parse, place) {
    let root;
    let material;
    try {
        root = parse();
        material = (0,verify_dist/* toTrustMaterial */.jO)(root);
    }
    catch (error) {
        throw trustError(`The Sigstore trusted root in ${place} cannot be read: ${messageOf(error)}`, error);
    }
    const missing = [
        root.certificateAuthorities.length === 0 && 'certificate authorities (Fulcio)',
        root.tlogs.length === 0 && 'transparency logs (Rekor)',
        root.ctlogs.length === 0 && 'certificate transparency logs'
    ].filter((item) => typeof item === 'string');
    if (missing.length > 0)
        throw trustError(`The Sigstore trusted root in ${place} lists no ${missing.join(', no ')}`);
    return material;
}
async function trustMaterialFromTUF(source) {
    // Loaded only here, so that a gate given a trusted-root file never loads the TUF client.
    const { DEFAULT_MIRROR_URL, getTrustedRoot } = await __webpack_require__.e(/* import() */ 694).then(__webpack_require__.bind(__webpack_require__, 4423));
    const mirror = source.tufMirrorURL ?? DEFAULT_MIRROR_URL;
    let root;
    try {
        root = await getTrustedRoot({
            mirrorURL: mirror,
            cachePath: source.tufCachePath,
            rootPath: source.tufRootPath,
            timeout: source.timeoutMs,
            retry: source.tufRetries
        });
    }
    catch (error) {
        // A repository that could not be reached may answer a rerun; a client without its root will not.
        const code = error.code;
        const retryable = code === 'TUF_REFRESH_METADATA_ERROR' || code === 'TUF_DOWNLOAD_TARGET_ERROR';
        const failed = trustError(tufFailure(error, mirror), error);
        failed.retryable = retryable;
        throw failed;
    }
    return usableMaterial(() => root, `the TUF repository at ${mirror}`);
}
function tufFailure(error, mirror) {
    const code = error.code;
    // The TUF client's own message is generic ("error refreshing TUF metadata"); its causes say why.
    const detail = causeChain(error).map(messageOf).join(': ');
    switch (code) {
        case 'TUF_REFRESH_METADATA_ERROR':
        case 'TUF_DOWNLOAD_TARGET_ERROR':
            return `Cannot reach the TUF repository at ${mirror} to fetch Sigstore's trusted root (${detail})`;
        case 'TUF_INIT_CACHE_ERROR':
            return `Cannot start the TUF client for ${mirror} (${detail}); a mirror other than Sigstore's needs its root.json`;
        case 'TUF_FIND_TARGET_ERROR':
            return `The TUF repository at ${mirror} has no trusted_root.json (${detail})`;
        default:
            return `Cannot load Sigstore's trusted root from ${mirror} through TUF (${detail})`;
    }
}
function trustError(message, cause) {
    const sentence = message.charAt(0).toUpperCase() + message.slice(1);
    return new trust_error/* TrustMaterialError */.u(sentence, cause === undefined ? undefined : { cause });
}
function causeChain(error) {
    const chain = [];
    for (let link = error; link != null && chain.length < 5; link = link.cause)
        chain.push(link);
    return chain;
}
/** A JSON value's kind, as a phrase: "null", "an array", "a string". */
function kindOf(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'an array';
    return `a ${typeof value}`;
}
const messageOf = (error) => error instanceof Error ? error.message : String(error);

;// CONCATENATED MODULE: ./src/promotion/gates/sigstore.ts
// The signature gate's verifier: does a Sigstore bundle prove that the expected identity signed this
// image digest? Plain data in, a verdict out; finding the referrer and downloading its bundle is the
// caller's. Trust material comes from sigstore-trust.ts.




const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const IN_TOTO_STATEMENT_TYPES = [
    'https://in-toto.io/Statement/v1',
    'https://in-toto.io/Statement/v0.1'
];
const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;
/** Why a bundle is not accepted, thrown inside and turned into a verdict at the top. */
class Refusal extends Error {
    signer;
    constructor(reason, signer) {
        super(reason);
        this.signer = signer;
    }
}
/**
 * Verifies `bundle` (parsed JSON, or the raw bytes of the bundle blob) for `request` against
 * `trust`. Never throws for a bad bundle: that is a verdict. Throws only for a malformed request.
 */
function verifySignatureBundle(bundle, request, trust) {
    const hex = imageDigestHex(request.digest);
    const policy = policyFor(request);
    try {
        const parsed = parseBundle(bundle);
        const envelope = dsseEnvelopeOf(parsed, request.digest);
        const entity = signedEntityOf(parsed);
        const signer = verifiedSigner(entity, policy, request, trust);
        const statement = inTotoStatement(envelope, signer);
        if (!statement.subjectDigests.includes(hex))
            throw new Refusal(`${signedBy(signer)} for ${describeSubjects(statement.subjectDigests)}, not for ${request.digest}`, signer);
        return {
            verified: true,
            signer,
            predicateType: statement.predicateType,
            // The verifier accepts no bundle without at least one verified time.
            signedAt: signingTimes(entity)[0].toISOString()
        };
    }
    catch (error) {
        if (error instanceof Refusal)
            return refused(error.message, error.signer);
        return refused(`the signature bundle could not be verified: ${messageOf(error)}`);
    }
}
function refused(reason, signer) {
    return signer ? { verified: false, reason, signer } : { verified: false, reason };
}
function imageDigestHex(digest) {
    const hex = SHA256_DIGEST.exec(digest)?.[1];
    if (hex === undefined)
        throw new TypeError(`${JSON.stringify(digest)} is not a sha256 image digest`);
    return hex;
}
function policyFor({ identity, issuer }) {
    if (identity === '')
        throw new TypeError('the signer identity to require is empty');
    if (issuer === '')
        throw new TypeError('the OIDC issuer to require is empty');
    return { subjectAlternativeName: wholeMatch(identity), extensions: { issuer } };
}
// @sigstore/verify tests the SAN with String.prototype.match, which turns a string into an
// unanchored pattern: "…/build.yml@refs/heads/main" would accept "…/build.yml@refs/heads/main-x".
function wholeMatch(identity) {
    if (typeof identity === 'string')
        return new RegExp(`^${identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    // Without g and y the pattern keeps no lastIndex between calls.
    return new RegExp(`^(?:${identity.source})$`, identity.flags.replace(/[gy]/g, ''));
}
function parseBundle(input) {
    let json = input;
    if (input instanceof Uint8Array) {
        try {
            json = JSON.parse(Buffer.from(input).toString('utf8'));
        }
        catch {
            throw new Refusal('the signature bundle is not JSON');
        }
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
        throw new Refusal(`the signature bundle is not a Sigstore bundle: it is ${kindOf(json)}`);
    try {
        return (0,dist/* bundleFromJSON */.vw)(json);
    }
    catch (error) {
        const fields = error instanceof dist/* ValidationError */.yI ? ` (missing or invalid: ${error.fields.join(', ')})` : '';
        throw new Refusal(`the signature bundle is not a Sigstore bundle${fields}`);
    }
}
function dsseEnvelopeOf(bundle, digest) {
    if (bundle.content.$case === 'messageSignature')
        throw new Refusal('the signature bundle holds a bare message signature (as cosign sign-blob makes): it signs the ' +
            `digest of a payload it does not carry, so nothing in it ties it to ${digest}. The gate needs ` +
            'a DSSE envelope with an in-toto statement naming the image, as cosign 3 (cosign sign) and ' +
            'actions/attest attach');
    if (bundle.verificationMaterial.content.$case === 'publicKey')
        throw new Refusal('the signature bundle is signed with a key, not a Sigstore (Fulcio) certificate, so it names ' +
            'no signer identity to check');
    return bundle.content.dsseEnvelope;
}
function signedEntityOf(bundle) {
    try {
        return (0,verify_dist/* toSignedEntity */.DC)(bundle);
    }
    catch (error) {
        throw new Refusal(`the signature bundle is malformed: ${messageOf(error)}`);
    }
}
/** The signer, once the certificate chain, timestamps, log entry, signature and policy all hold. */
function verifiedSigner(entity, policy, request, trust) {
    const verifier = new verify_dist/* Verifier */.BL(trust);
    try {
        return signerOf(verifier.verify(entity, policy));
    }
    catch (error) {
        if (error instanceof verify_dist/* PolicyError */.pn) {
            // The policy is checked last, so every cryptographic check has passed: verifying again
            // without it names the signer the policy turned down.
            const signer = signerOf(verifier.verify(entity));
            throw new Refusal(policyMismatch(signer, request), signer);
        }
        if (error instanceof verify_dist/* VerificationError */.mk)
            throw new Refusal(`the signature bundle does not verify: ${explain(error, entity)}`);
        throw error;
    }
}
function signerOf(verified) {
    return {
        identity: verified.identity?.subjectAlternativeName ?? '(no identity)',
        issuer: verified.identity?.extensions?.issuer ?? '(no issuer)'
    };
}
const signedBy = (signer) => `signed by ${signer.identity} (issuer ${signer.issuer})`;
function policyMismatch(signer, request) {
    const wanted = [];
    if (!wholeMatch(request.identity).test(signer.identity))
        wanted.push(typeof request.identity === 'string'
            ? `the signer identity must be ${request.identity}`
            : `the signer identity must match ${String(request.identity)} in full`);
    if (signer.issuer !== request.issuer)
        wanted.push(`the issuer must be ${request.issuer}`);
    return `${signedBy(signer)}, but ${wanted.join(' and ')}`;
}
/** @sigstore/verify's failure in a release engineer's words. */
function explain(error, entity) {
    // Bundles signed with a bare key were refused before verification.
    const certificate = entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
    const holder = `its certificate (for ${certificate?.subjectAltName ?? 'no identity'})`;
    const cause = messageOf(error.cause);
    switch (error.code) {
        case 'CERTIFICATE_ERROR':
            if (/SCT/.test(error.message))
                return `${holder} has no valid certificate-transparency proof (SCT) from a log in the trusted root`;
            if (certificate && /expired|not valid/.test(cause))
                return (`${holder} was not valid when the signature was made: valid from ` +
                    `${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}, ` +
                    `signed at ${signingTimes(entity)
                        .map((time) => time.toISOString())
                        .join(', ')}`);
            return `${holder} was not issued by a certificate authority the trusted root trusts`;
        case 'TIMESTAMP_ERROR':
            if (/expected \d+ timestamps, got 0/.test(error.message))
                return 'it carries no verifiable signing time: no transparency-log inclusion promise and no RFC 3161 timestamp';
            return `its RFC 3161 timestamp was not issued by a timestamp authority the trusted root trusts (${error.message})`;
        case 'TLOG_INCLUSION_PROMISE_ERROR':
        case 'TLOG_INCLUSION_PROOF_ERROR':
            return `its transparency-log entry was not signed by a log the trusted root trusts, or was altered (${error.message})`;
        case 'TLOG_BODY_ERROR':
            return `its transparency-log entry does not match it (${error.message}): the bundle was altered after it was logged`;
        case 'TLOG_MISSING_INCLUSION_ERROR':
        case 'TLOG_ERROR':
            return `it is not proven to be in a transparency log (${error.message})`;
        case 'SIGNATURE_ERROR':
            return 'its signature does not match the signed payload: the bundle was altered';
        default:
            return error.message;
    }
}
/** The signing times the bundle vouches for, earliest first; the verifier checks every one. */
function signingTimes(entity) {
    return entity.timestamps
        .flatMap((timestamp) => timestamp.$case === 'timestamp-authority'
        ? [timestamp.timestamp.signingTime]
        : // Only an entry with an inclusion promise vouches for its integration time.
            timestamp.tlogEntry.inclusionPromise
                ? [new Date(Number(timestamp.tlogEntry.integratedTime) * 1000)]
                : [])
        .sort((a, b) => a.getTime() - b.getTime());
}
function inTotoStatement(envelope, signer) {
    const notAStatement = (what) => new Refusal(`${signedBy(signer)}, but ${what}, not an in-toto statement about the image`, signer);
    if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
        throw notAStatement(`its payload is of type ${JSON.stringify(envelope.payloadType)}`);
    let statement;
    try {
        statement = JSON.parse(envelope.payload.toString('utf8'));
    }
    catch {
        throw notAStatement('its payload is not JSON');
    }
    if (!isRecord(statement) || !IN_TOTO_STATEMENT_TYPES.includes(String(statement._type)))
        throw notAStatement(`its payload has _type ${JSON.stringify(isRecord(statement) ? statement._type : undefined)}`);
    if (!Array.isArray(statement.subject) || typeof statement.predicateType !== 'string')
        throw notAStatement('its statement has no subject or predicateType');
    return {
        predicateType: statement.predicateType,
        subjectDigests: statement.subject.flatMap(sha256Of)
    };
}
function sha256Of(subject) {
    const digest = isRecord(subject) ? subject.digest : undefined;
    return isRecord(digest) && typeof digest.sha256 === 'string' ? [digest.sha256.toLowerCase()] : [];
}
function describeSubjects(digests) {
    return digests.length === 0
        ? 'no sha256 subject'
        : digests.map((hex) => `sha256:${hex}`).join(', ');
}
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);


/***/ })

};
