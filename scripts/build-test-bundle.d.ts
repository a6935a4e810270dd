/** Where jest's global setup bundles the current source: the action, and the command line in cli/. */
export declare const TEST_BUNDLE: string
export declare function bundleSteps(
  script: string
): Array<{ args: string[]; out: number; folder: string }>
export default function buildTestBundle(): Promise<void>
