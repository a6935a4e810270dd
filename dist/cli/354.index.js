export const id = 354;
export const ids = [354];
export const modules = {

/***/ 2354:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_MAX_ATTEMPTS: () => (/* binding */ DEFAULT_MAX_ATTEMPTS),
  DEFAULT_TIMEOUTS: () => (/* binding */ DEFAULT_TIMEOUTS),
  Transport: () => (/* binding */ Transport),
  sleep: () => (/* binding */ sleep)
});

// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/submodules/retry/index.js
var retry = __webpack_require__(3609);
// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var dist_cjs = __webpack_require__(1279);
// EXTERNAL MODULE: ./src/registry/errors.ts
var errors = __webpack_require__(6764);
;// CONCATENATED MODULE: ./src/registry/pacing.ts
// Pacing to ECR's rate quotas: one token bucket per (registry, region, operation), shared by every
// call the run makes, so that ten writers in flight, or twenty images of a release, never send more
// than the account's quota allows. Throttling that still happens (other pipelines share the quota)
// halves the rate; successes bring it back.
/** ECR's documented default rates per account and region, in requests per second. */
const ECR_DEFAULT_RATES = {
    PutImage: 10,
    BatchGetImage: 2_000,
    BatchCheckLayerAvailability: 1_000,
    GetDownloadUrlForLayer: 3_000,
    InitiateLayerUpload: 100,
    UploadLayerPart: 500,
    CompleteLayerUpload: 100,
    ListImageReferrers: 100,
    DescribeRepositories: 1_000,
    DescribeImages: 1_000,
    DescribeImageScanFindings: 1_000,
    DescribeImageSigningStatus: 100
};
/**
 * ECR Public's rates for authenticated callers (its quotas page: 10 per second for the layer and
 * image writes, 20 for the reads this action makes). Keys are ECR Public's operation names.
 */
const ECR_PUBLIC_DEFAULT_RATES = {
    PutImage: 10,
    InitiateLayerUpload: 10,
    UploadLayerPart: 10,
    CompleteLayerUpload: 10,
    BatchCheckLayerAvailability: 10,
    DescribeImageTags: 10,
    DescribeImages: 10,
    DescribeRegistries: 10,
    GetAuthorizationToken: 10
};
/** A rate nobody documented: generous, so that only ECR's own throttling slows it down. */
const UNLISTED_RATE = 100;
/** After throttling, never slower than this share of the configured rate, */
const MIN_SHARE = 1 / 16;
/** or than one call a second, whichever is lower: a rate set far above what ECR allows (a quota
 * nobody raised) comes down to it. */
const MIN_RATE = 1;
/**
 * A token bucket holding one second's worth of requests (at least one) and starting full, so a
 * handful of calls go at once and a long run settles at the rate; multiplicative decrease on
 * throttling, additive increase on success. Its refill counts from the first answer: ECR's bucket
 * starts when ECR sees the first call, later than this one started, and a bucket ahead of ECR's
 * sends the call after the burst a few milliseconds before ECR has its token for it.
 */
class RateLimiter {
    configured;
    rate;
    tokens;
    at;
    /** Callers waiting for a token, in order: a FIFO so no call starves behind later ones. */
    queue = Promise.resolve();
    /** Whether a call was answered yet: refill counts from then (see the class comment). */
    anchored = false;
    now;
    sleep;
    constructor(rate, sleep, now = () => performance.now()) {
        this.configured = rate;
        this.rate = rate;
        this.tokens = Math.max(1, rate);
        this.now = now;
        this.at = now();
        this.sleep = sleep;
    }
    get currentRate() {
        return this.rate;
    }
    /** A second's worth of calls, and never less than one: below 1/s a bucket of `rate` never fills. */
    get capacity() {
        return Math.max(1, this.rate);
    }
    refill() {
        const now = this.now();
        this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.rate);
        this.at = now;
    }
    /** Waits for a token; `signal` gives up the wait (a cancelled run starts nothing new). */
    acquire(signal) {
        const turn = this.queue.then(async () => {
            for (;;) {
                signal?.throwIfAborted();
                this.refill();
                if (this.tokens >= 1) {
                    this.tokens -= 1;
                    return;
                }
                await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000), signal);
            }
        });
        // The next caller waits for this one's turn, whatever became of it.
        this.queue = turn.catch(() => { });
        return turn;
    }
    /** ECR said slow down: halve the rate, and spend what burst was left. */
    throttled() {
        this.refill();
        this.rate = Math.max(Math.min(this.configured * MIN_SHARE, MIN_RATE), this.rate / 2);
        this.tokens = Math.min(this.tokens, 0);
    }
    /**
     * An answered call: win back a twentieth of the configured rate, or a tenth of the current one
     * (at least half a call a second) when that is less, so that a rate configured far above ECR's
     * is not thrown straight back over it by one success.
     */
    succeeded() {
        if (!this.anchored) {
            // What accrued before ECR could have seen a call is not ECR's to give: drop it.
            this.anchored = true;
            this.at = this.now();
        }
        if (this.rate < this.configured)
            this.rate = Math.min(this.configured, this.rate + Math.min(this.configured / 20, Math.max(0.5, this.rate / 10)));
    }
}
/** The limiters of one run, one per registry, region and operation, made on first use. */
class Pacer {
    limiters = new Map();
    options;
    constructor(options) {
        this.options = options;
    }
    limiter(scope) {
        const key = `${scope.isPublic ? 'public' : 'ecr'}/${scope.registry}/${scope.region}/${scope.operation}`;
        let limiter = this.limiters.get(key);
        if (!limiter) {
            const rate = scope.isPublic
                ? (this.options.publicRates?.[scope.operation] ??
                    ECR_PUBLIC_DEFAULT_RATES[scope.operation] ??
                    UNLISTED_RATE)
                : (this.options.rates?.[scope.operation] ??
                    ECR_DEFAULT_RATES[scope.operation] ??
                    UNLISTED_RATE);
            limiter = new RateLimiter(rate, this.options.sleep, this.options.now);
            this.limiters.set(key, limiter);
        }
        return limiter;
    }
}

// EXTERNAL MODULE: ./src/registry/preconnect.ts + 2 modules
var preconnect = __webpack_require__(8239);
;// CONCATENATED MODULE: ./src/registry/transport.ts
// The one transport policy: how every call to ECR, ECR Public and their registry endpoints is made,
// paced, timed out and retried. The SDK clients make one attempt each; everything else is decided
// here, the same way for SDK calls, registry reads and blob downloads.





const DEFAULT_TIMEOUTS = {
    connectMs: 5_000,
    requestMs: 20_000,
    stallMs: 30_000,
    silenceMs: 100_000
};
/**
 * Twelve attempts for faults that pass (5xx, dropped connections): with jittered exponential
 * backoff (50 ms base, capped at 20 s) a brief ECR outage is ridden out, and even with 40% of
 * requests failing a call fails once in sixty thousand. Timeouts are bounded apart, by silenceMs.
 */
const DEFAULT_MAX_ATTEMPTS = 12;
const MAX_DELAY_MS = 20_000;
const BASE_DELAY_MS = 50;
/** Throttled calls back off longer, as the SDK's standard strategy does. */
const THROTTLED_BASE_DELAY_MS = 1_000;
const THROTTLE_PATIENCE_MS = 5 * 60_000;
const sleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted)
        return reject(signal.reason);
    const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
    }, ms);
    const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
});
/** How an SDK error is retried: the SDK's own classification, but the tag limit is permanent. */
function classifySdkError(error) {
    if (typeof error !== 'object' || error === null)
        return 'permanent';
    const sdkError = error;
    // ECR answers LimitExceededException for limits that do not pass (1,000 tags per image); it
    // throttles with ThrottlingException or HTTP 429.
    if (sdkError.name === 'LimitExceededException')
        return 'permanent';
    if ((0,retry.isThrottlingError)(sdkError))
        return 'throttled';
    // The SDK names a dropped connection TimeoutError too (code ECONNRESET): only ETIMEDOUT is silence.
    if (sdkError.name === 'TimeoutError')
        return sdkError.code === 'ETIMEDOUT' ? 'timeout' : 'transient';
    // A thrown value the SDK could not see as an Error (one from another realm) comes wrapped, its
    // name in the message: a network error all the same.
    if (/^AWS SDK error wrapper for (TimeoutError|Error): /.test(sdkError.message ?? ''))
        return 'transient';
    if ((0,retry.isRetryableByTrait)(sdkError) ||
        (0,retry.isClockSkewCorrectedError)(sdkError) ||
        (0,retry.isTransientError)(sdkError) ||
        (0,retry.isServerError)(sdkError))
        return 'transient';
    return 'permanent';
}
/** The HTTP status an error was answered with; undefined when no answer came (a dropped
 * connection, a socket error). */
function httpStatusOf(error) {
    return error?.$metadata?.httpStatusCode;
}
function toEcrError(error, { attempts, unanswered }, kind) {
    if (error instanceof errors/* EcrError */.JA)
        return error;
    const e = error;
    const metadata = e?.$metadata ?? {};
    const code = e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error');
    return new errors/* EcrError */.JA(code, e?.message ?? String(error), {
        attempts,
        unanswered,
        kind,
        ...(typeof e?.lastValidByteReceived === 'number' && {
            lastValidByteReceived: e.lastValidByteReceived
        }),
        ...(metadata.httpStatusCode !== undefined && { httpStatus: metadata.httpStatusCode }),
        ...(metadata.requestId !== undefined && { requestId: metadata.requestId })
    });
}
/**
 * Connections that never opened, in words: the endpoint is not there or not reachable from here. A
 * few quick attempts cover a blip; a dozen over most of a minute only delay saying so.
 */
const UNREACHABLE = {
    ECONNREFUSED: 'nothing accepts connections there (connection refused)',
    ENOTFOUND: 'its host name does not resolve (DNS)',
    EAI_AGAIN: 'DNS did not answer for its host name',
    EHOSTUNREACH: 'there is no route to its host',
    ENETUNREACH: 'there is no route to its network'
};
const UNREACHABLE_ATTEMPTS = 3;
function unreachableCode(error) {
    const code = error?.code;
    return typeof code === 'string' && code in UNREACHABLE ? code : undefined;
}
const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;
/**
 * A registry endpoint's answer the loop retries (429: throttled; 5xx: transient), or a request that
 * got no answer at all (the network): for a GET what the SDK's errors say for an SDK call.
 */
class HttpFailure extends Error {
    kind;
    /** The network's error code (ECONNREFUSED, ...), read as for an SDK call. */
    code;
    $metadata;
    constructor(kind, name, message, code, status) {
        super(message);
        this.name = name;
        this.kind = kind;
        this.code = code;
        this.$metadata = status === undefined ? {} : { httpStatusCode: status };
    }
}
const classify = (error) => error instanceof HttpFailure ? error.kind : classifySdkError(error);
function networkFailure(label, error) {
    // fetch's own error says only "fetch failed"; its cause says what happened.
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    const text = (value) => typeof value === 'string' ? value : undefined;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
    const message = typeof cause === 'object' && cause !== null && 'message' in cause ? cause.message : undefined;
    return new HttpFailure('transient', 'NetworkingError', `${label} failed: ${text(message) ?? String(cause)}`, text(code));
}
function statusFailure(label, url, status) {
    const throttled = status === 429;
    return new HttpFailure(throttled ? 'throttled' : 'transient', throttled ? 'TooManyRequestsException' : 'RegistryError', `${new URL(url).host} answered HTTP ${status} to ${label}`, undefined, status);
}
/** The request id an SDK output carries, for the debug log; '-' for anything else. */
function requestIdOf(output) {
    if (typeof output !== 'object' || output === null || !('$metadata' in output))
        return '-';
    const metadata = output.$metadata;
    return typeof metadata === 'object' &&
        metadata !== null &&
        'requestId' in metadata &&
        typeof metadata.requestId === 'string'
        ? metadata.requestId
        : '-';
}
const defined = (value) => value !== undefined;
/** The SDK's own HTTP handler defaults: keep-alive, fifty sockets per origin. */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 };
/**
 * The one policy, in the shape of one retrying transport every request goes through: SDK calls
 * (`call`), registry requests and downloads (`request`), and a caller's own retries (`pause`) are paced,
 * timed out and backed off the same way. `warmer` holds the connections opened ahead of the first
 * calls (preconnect.ts); the SDK's handler takes those sockets before it opens its own.
 */
class Transport {
    maxAttempts;
    timeouts;
    /** Aborted once the run is over: nothing more is waited for. */
    signal;
    debug;
    options;
    pacer;
    handler;
    /** When any endpoint last answered anything: silence, not one slow call, is what ends retries. */
    lastAnswer = performance.now();
    constructor(options = {}, warmer = new preconnect/* Warmer */.xb({ enabled: false })) {
        this.options = options;
        this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
        this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
        this.signal = options.signal;
        this.debug = options.debug ?? (() => { });
        this.pacer = new Pacer({
            ...(options.rates && { rates: options.rates }),
            sleep: options.clock?.sleep ?? sleep,
            ...(options.clock && { now: () => options.clock.now() })
        });
        this.handler = new dist_cjs.NodeHttpHandler({
            ...(0,preconnect/* warmAgents */.gg)(warmer, AGENT_OPTIONS),
            // Each attempt has its own deadline (an abort signal sized to the call, longer for a layer
            // part or a completion): a handler-wide request timeout would cut those short.
            connectionTimeout: this.timeouts.connectMs
        });
    }
    /** The settings every SDK client is made with: one attempt per send, since retries are ours. */
    clientConfig(region) {
        return {
            region,
            maxAttempts: 1,
            requestHandler: this.handler,
            ...(this.options.userAgent && { customUserAgent: this.options.userAgent })
        };
    }
    /** The backoff before retry `attempt` (1-based). */
    delay(attempt) {
        return this.backoff(attempt, BASE_DELAY_MS);
    }
    /** Waits out the backoff before retry `attempt` of a caller's own loop; a stop ends the wait. */
    async pause(label, attempt) {
        try {
            await sleep(this.delay(attempt), this.signal);
        }
        catch {
            throw cancelled(label, attempt, true);
        }
    }
    /** Sends one call with this policy: paced, timed out, retried; errors come back as EcrError. */
    async call(label, target, send) {
        const started = performance.now();
        const limiter = this.pacer.limiter(target);
        const attempts = { attempt: 0, unanswered: 0, transient: 0, throttles: 0 };
        for (;;) {
            attempts.attempt++;
            await this.paced(target, label, attempts.attempt - 1);
            const timeoutMs = target.timeoutMs ?? this.timeouts.requestMs;
            const timer = AbortSignal.timeout(timeoutMs);
            try {
                const output = await send(this.signal ? AbortSignal.any([timer, this.signal]) : timer);
                this.lastAnswer = performance.now();
                limiter.succeeded();
                this.debug(`${label}: ok in ${elapsed(started)} ms, ${attempts.attempt} attempt(s), request ${requestIdOf(output)}`);
                return output;
            }
            catch (error) {
                if (this.signal?.aborted)
                    throw cancelled(label, attempts.attempt, true);
                const kind = timer.aborted ? 'timeout' : classify(error);
                if (timer.aborted || httpStatusOf(error) === undefined)
                    attempts.unanswered++;
                if (kind !== 'timeout')
                    this.lastAnswer = performance.now();
                if (kind === 'throttled')
                    limiter.throttled();
                if (!this.mayRetry(kind, attempts, target, error)) {
                    const failure = this.failure(error, kind, target, attempts, timeoutMs, started);
                    this.debug(`${label}: ${failure.code} in ${elapsed(started)} ms, ${attempts.attempt} attempt(s), request ${failure.requestId ?? '-'}`);
                    throw failure;
                }
                this.debug(`${label}: ${kind} on attempt ${attempts.attempt}; retrying`);
                // Then through the limiter again, which throttling has just slowed down for every call.
                try {
                    await sleep(kind === 'throttled'
                        ? this.backoff(attempts.throttles, THROTTLED_BASE_DELAY_MS)
                        : this.delay(attempts.transient), this.signal);
                }
                catch {
                    throw cancelled(label, attempts.attempt, true);
                }
            }
        }
    }
    /**
     * A request to a registry endpoint or a download URL (a GET unless `request.method` says) through
     * the same loop: 429 is throttling, 5xx and dropped connections are transient; any other answer
     * is the caller's to read.
     */
    request(label, target, url, request) {
        const fetcher = this.options.fetch ?? fetch;
        return this.call(label, { ...target, endpoint: new URL(url).origin }, async (deadline) => {
            const own = new AbortController();
            const relay = () => own.abort(deadline.reason);
            deadline.addEventListener('abort', relay, { once: true });
            let response;
            try {
                response = await fetcher(url, {
                    method: request.method ?? 'GET',
                    headers: request.headers,
                    signal: AbortSignal.any([own.signal, request.signal, this.signal].filter(defined))
                });
            }
            catch (error) {
                throw networkFailure(label, error);
            }
            finally {
                if (request.streaming)
                    deadline.removeEventListener('abort', relay);
            }
            if (response.status === 429 || response.status >= 500) {
                await response.body?.cancel();
                throw statusFailure(label, url, response.status);
            }
            return response;
        });
    }
    backoff(attempt, base) {
        return this.options.retryDelay
            ? this.options.retryDelay(attempt)
            : Math.floor(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
    }
    /** Waits for a token from the call's limiter; a stopping run gives up the wait. */
    async paced(target, label, attempts) {
        const waits = [this.signal, target.notAfter].filter(defined);
        try {
            await this.pacer
                .limiter(target)
                .acquire(waits.length > 0 ? AbortSignal.any(waits) : undefined);
        }
        catch {
            throw cancelled(label, attempts, attempts > 0);
        }
    }
    /** Whether a failed attempt is tried again: throttling for as long as patience allows, transient
     * faults and timeouts for the call's attempts, timeouts only while ECR is not silent. */
    mayRetry(kind, attempts, target, error) {
        if (unreachableCode(error) && attempts.attempt >= UNREACHABLE_ATTEMPTS)
            return false;
        if (kind === 'throttled') {
            attempts.throttles++;
            attempts.throttledSince ??= performance.now();
            return (elapsed(attempts.throttledSince) < (this.options.throttlePatienceMs ?? THROTTLE_PATIENCE_MS));
        }
        attempts.throttledSince = undefined;
        attempts.transient++;
        return (kind !== 'permanent' &&
            attempts.transient < (target.maxAttempts ?? this.maxAttempts) &&
            (kind !== 'timeout' || elapsed(this.lastAnswer) < this.timeouts.silenceMs));
    }
    /** The error a call that is not tried again ends with. */
    failure(error, kind, target, { attempt, unanswered }, timeoutMs, started) {
        if (kind === 'timeout')
            return new errors/* EcrError */.JA('RequestTimeout', `${target.operation} to ${target.endpoint} got no answer in ${seconds(timeoutMs)} (${attempt} attempt(s), ${seconds(elapsed(started))} in all)`, { attempts: attempt, unanswered, kind });
        const unreachable = unreachableCode(error);
        if (unreachable)
            return new errors/* EcrError */.JA('EndpointUnreachable', `the endpoint ${target.endpoint} is unreachable: ${UNREACHABLE[unreachable]} (${attempt} attempt(s) in ${seconds(elapsed(started))})`, { attempts: attempt, unanswered, kind });
        return toEcrError(error, { attempts: attempt, unanswered }, kind);
    }
}
const elapsed = (since) => Math.round(performance.now() - since);
function cancelled(label, attempts, sent) {
    return new errors/* EcrError */.JA(sent ? 'Cancelled' : 'NotSent', sent
        ? `${label} was interrupted by the run stopping; whether it took effect is not known`
        : `${label} was not sent: the run was stopping`, { attempts, kind: sent ? 'cancelled' : 'not-sent' });
}


/***/ })

};
