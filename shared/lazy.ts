/**
 * `load`, run on the first call and shared by every call after it. A failed load is not kept:
 * the next call tries again. For what a function needs only on some paths: behind a dynamic
 * import(), the Lambda bundle puts it in a chunk that cold starts do not load
 * (infra/lambda-bundling.ts, bench/coldstart.md).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
