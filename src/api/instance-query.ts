import type { DurableClient } from "durable-functions";

/**
 * A page of instances whose id starts with a prefix, through the durable HTTP API's instance query
 * (`GET …/instances?instanceIdPrefix=&top=` with the `x-ms-continuation-token` header, as Azure documents
 * it). durable-functions 3's `getStatusBy` has no prefix filter and follows every continuation itself,
 * which at thousands of instances reads them all; this reads one page.
 */
export interface InstancePage {
  readonly instances: readonly {
    readonly instanceId: string;
    readonly runtimeStatus: string;
    readonly input?: unknown;
    readonly customStatus?: unknown;
    readonly createdTime?: string;
    readonly lastUpdatedTime?: string;
  }[];
  /** Absent on the last page. */
  readonly continuationToken?: string;
}

export interface InstanceQuery {
  readonly instanceIdPrefix: string;
  readonly top: number;
  readonly continuationToken?: string;
  readonly showInput: boolean;
}

export const CONTINUATION_HEADER = "x-ms-continuation-token";

/** The query against the host that serves `client` (its management URLs carry the task hub and the key). */
export function instanceQuery(client: DurableClient): (query: InstanceQuery) => Promise<InstancePage> {
  return async (query) => {
    const url = new URL(client.createHttpManagementPayload("x").statusQueryGetUri);
    url.pathname = url.pathname.replace(/\/instances\/[^/]*$/, "/instances");
    url.searchParams.set("instanceIdPrefix", query.instanceIdPrefix);
    url.searchParams.set("top", String(query.top));
    url.searchParams.set("showInput", String(query.showInput));
    const res = await fetch(url, {
      headers: query.continuationToken ? { [CONTINUATION_HEADER]: query.continuationToken } : {},
    });
    if (!res.ok) throw new Error(`the durable instance query answered ${res.status}`);
    const instances = (await res.json()) as InstancePage["instances"];
    const token = res.headers.get(CONTINUATION_HEADER);
    return { instances, ...(token && token !== "null" ? { continuationToken: token } : {}) };
  };
}
