/**
 * The public surface of the domain library: pure code with no AWS in it, shared by
 * the ingest task, the Lambda functions, the embedded runtime and the scripts.
 */

export * from './archive/index.ts';
export * from './iboard/index.ts';
export * from './records/index.ts';
export * from './settings.ts';
export * from './tables.ts';
