/** Where jest's global setup bundles the current source. */
export declare const TEST_BUNDLE: string
export default function buildTestBundle(): void
