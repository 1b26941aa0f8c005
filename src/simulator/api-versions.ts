import { armError, type Reply } from "./http-kit.js";

/**
 * ARM's `api-version` check, before any resource provider sees the request. Every ARM request must name
 * one; the simulator speaks the versions whose shapes it models (the ones Ringmaster's SDK clients and REST
 * adapters send), per resource provider type.
 *
 * What ARM answers (its error bodies as seen in the wild, e.g. Azure/azure-cli#28368, MicrosoftDocs/feedback#2279,
 * Azure/azure-sdk-for-net#2276):
 * - no `api-version`: 400 `MissingApiVersionParameter`, "The api-version query parameter (?api-version=) is
 *   required for all requests.";
 * - a value that is not an API version (`YYYY-MM-DD` with an optional `-preview` style suffix): 400
 *   `InvalidApiVersionParameter`, "The api-version '…' is invalid. The supported versions are '…'.";
 * - a well-formed version the resource type does not have: 400 `NoRegisteredProviderFound`, "No registered
 *   resource provider found for location '…' and API version '…' for type '…'. The supported api-versions
 *   are '…'."
 */
const VERSIONS: readonly {
  readonly match: RegExp;
  readonly type: string;
  readonly versions: readonly string[];
}[] = [
  // The fleets SDK (2.x) speaks 2025-03-01; gates, maxConcurrency and gated strategies: the GA 2026-06-01 (or the preview).
  {
    match: /\/providers\/Microsoft\.ContainerService\/fleets\b/i,
    type: "fleets",
    versions: ["2025-03-01", "2025-04-01-preview", "2026-06-01"],
  },
  // Operation status URLs carry the version of the request that started the operation (AKS or Fleet).
  {
    match: /\/providers\/Microsoft\.ContainerService\/locations\/[^/]+\/(operations|operationresults)\//i,
    type: "locations/operations",
    versions: ["2026-06-01", "2025-03-01", "2025-04-01-preview"],
  },
  { match: /\/providers\/Microsoft\.ContainerService\//i, type: "managedClusters", versions: ["2026-06-01"] },
  {
    match: /\/providers\/Microsoft\.Maintenance\//i,
    type: "configurationAssignments",
    versions: ["2023-04-01"],
  },
  { match: /\/providers\/Microsoft\.ResourceGraph\//i, type: "resources", versions: ["2024-04-01"] },
  {
    match: /\/providers\/Microsoft\.CostManagement\//i,
    type: "query",
    versions: ["2023-11-01", "2025-03-01"],
  },
  { match: /\/providers\/Microsoft\.AlertsManagement\//i, type: "alerts", versions: ["2019-05-05-preview"] },
];

const WELL_FORMED = /^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)?$/;

/** The versions the simulator accepts for a path, or undefined when the path is no ARM resource it knows. */
export function supportedVersions(path: string): { type: string; versions: readonly string[] } | undefined {
  // An extension resource (…/managedClusters/x/providers/Microsoft.Maintenance/…) belongs to the last
  // provider in its path, as ARM routes it.
  const last = path.toLowerCase().lastIndexOf("/providers/");
  if (last < 0) return undefined;
  const own = path.slice(last);
  const known = VERSIONS.find((v) => v.match.test(own));
  return known && { type: resourceType(own) ?? known.type, versions: known.versions };
}

/** ARM's name for the type a path addresses: `managedClusters/agentPools` for …/managedClusters/a/agentPools/b. */
function resourceType(ownPath: string): string | undefined {
  const parts = ownPath.split("/").filter(Boolean).slice(2); // drop "providers" and the namespace
  const types = parts.filter((_, i) => i % 2 === 0);
  return types.length ? types.join("/") : undefined;
}

/** ARM's answer to a missing, malformed or unknown api-version; undefined when the version is fine. */
export function checkApiVersion(path: string, query: URLSearchParams, location: string): Reply | undefined {
  const known = supportedVersions(path);
  if (!known) return undefined;
  const version = query.get("api-version");
  if (version === null || version === "")
    return armError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  if (known.versions.includes(version)) return undefined;
  const list = known.versions.join(", ");
  if (!WELL_FORMED.test(version))
    return armError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${list}'.`,
    );
  return armError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location '${location}' and API version '${version}' for type '${known.type}'. The supported api-versions are '${list}'.`,
  );
}
