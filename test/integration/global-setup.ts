import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../local/aws-endpoint.js';

declare module 'vitest' {
  export interface ProvidedContext {
    awsEndpoint: string;
  }
}

/** Starts the local AWS endpoint once for the integration layer and stops it (by pid) after. */
export default async function setup(project: TestProject) {
  // Always a moto of our own: files reset it, which must never hit a developer's endpoint.
  const aws = await startLocalAws({ fromEnvironment: false });
  project.provide('awsEndpoint', aws.url);
  return () => aws.stop();
}
