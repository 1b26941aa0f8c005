import type { TypedData } from "./core-api.js";

/** Values to and from the worker protocol's typed data, as the Node worker and the host exchange them. */
export function jsonData(value: unknown): TypedData {
  return { json: JSON.stringify(value ?? null) };
}

export function stringData(value: string): TypedData {
  return { string: value };
}

/** Decodes a function's return value or output. A `string` stays a string; `json` is parsed. */
export function decodeTypedData(data: TypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json) as unknown;
  if (data.string !== undefined) return data.string;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.int !== undefined) return Number(data.int);
  if (data.double !== undefined) return Number(data.double);
  if (data.collectionString !== undefined) return data.collectionString.string;
  if (data.http !== undefined) return data.http;
  return undefined;
}
