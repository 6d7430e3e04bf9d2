import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../local/aws-endpoint.js';

declare module 'vitest' {
  export interface ProvidedContext {
    awsEndpoint: string;
  }
}

/** Starts the local AWS endpoint once for the integration layer and stops it (by pid) after. */
export default async function setup(project: TestProject) {
  const aws = await startLocalAws();
  project.provide('awsEndpoint', aws.url);
  return () => aws.stop();
}
