/**
 * Paths the CDK app bundles or builds, resolved from this module's own location (never
 * the working directory), so `cdk synth` and the tests work from any folder.
 */
import { fileURLToPath } from 'node:url';

/** The repository root (holds package.json, package-lock.json, cdk.json). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lock file esbuild bundling uses to find the project root and dependency versions. */
export const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** Entry points of the Lambda functions (one file per function in `functions/`). */
export const FUNCTION_ENTRIES = {
  transform: fileURLToPath(new URL('../functions/transform.ts', import.meta.url)),
  sessionControl: fileURLToPath(new URL('../functions/session-control.ts', import.meta.url)),
  reconcile: fileURLToPath(new URL('../functions/reconcile.ts', import.meta.url)),
} as const;

/** The ingest task's Dockerfile, relative to the Docker build context {@link REPO_ROOT}. */
export const INGEST_DOCKERFILE = 'ingest-task/Dockerfile';
