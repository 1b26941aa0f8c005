import type { RestError } from "@azure/core-rest-pipeline";

/**
 * The SDK's own test (`isRestError`): a RestError, or any Error named so (the class may come from another
 * copy of the package). Written here so reading an error does not load `@azure/core-rest-pipeline` (about
 * 100 ms) on the webhook path, which may never call Azure (see the cold-start bench).
 */
export function isRestError(error: unknown): error is RestError {
  return error instanceof Error && error.name === "RestError";
}

/**
 * Azure failures as plain data that survives the activity boundary (an Error's class does not): the
 * service's error code and message, the HTTP status, and whether trying again later can help.
 */
export interface AzureFailure {
  readonly status: number | undefined;
  readonly code: string;
  readonly message: string;
  readonly retriable: boolean;
}

export function describeAzureError(error: unknown): AzureFailure {
  if (isRestError(error)) {
    const details = error.details as { error?: { code?: string; message?: string } } | undefined;
    const status = error.statusCode;
    return {
      status,
      code: details?.error?.code ?? error.code ?? `HTTP${status ?? ""}`,
      message: details?.error?.message ?? error.message,
      retriable: status === undefined || status === 408 || status === 409 || status === 429 || status >= 500,
    };
  }
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return {
    status: undefined,
    code: typeof e?.code === "string" ? e.code : "Error",
    message: typeof e?.message === "string" ? e.message : String(error),
    retriable: false,
  };
}

/**
 * Runs an ARM call and, if it fails, names the operation in the error (a paged list otherwise fails with
 * the SDK's bare "Pagination failed with unexpected statusCode 429"). Status, code and details are kept,
 * so callers still tell a 404 from a 429.
 */
export async function naming<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const f = describeAzureError(error);
    const why =
      f.status === 429 ? "ARM kept answering 429 (throttled) after every retry" : `${f.code}: ${f.message}`;
    const text = `${operation} failed: ${why}`;
    if (!isRestError(error)) throw new Error(text, { cause: error });
    // A RestError was thrown, so the pipeline module is already loaded: this import costs nothing.
    const { RestError } = await import("@azure/core-rest-pipeline");
    const named = new RestError(text, {
      ...(error.code ? { code: error.code } : {}),
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      ...(error.request ? { request: error.request } : {}),
      ...(error.response ? { response: error.response } : {}),
    });
    named.details = error.details;
    throw named;
  }
}
