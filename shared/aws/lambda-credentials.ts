/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias,
 * see infra/lambda-bundling.ts). Lambda always hands a function its role's credentials in
 * environment variables, so the rest of the default chain (SSO, INI files, process, web
 * identity, IMDS and the STS/SSO clients they carry) is dead weight: about 115 KB of every
 * bundle and its load time. Code run outside Lambda (the CLI, the local runtime, tests) is
 * not bundled and keeps the full chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
