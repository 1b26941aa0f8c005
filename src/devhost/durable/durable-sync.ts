import type { DurableSync } from "./store.js";

/**
 * RINGMASTER_DEVHOST_DURABLE_SYNC: `disk` (the default) carries every durable record to the disk;
 * `page-cache` leaves it in the kernel's page cache, which survives a kill -9 of the host but not a crash
 * of the machine. The test suite sets `page-cache` (vitest.config.ts): on the discrete clock simulated time
 * waits for each pending fdatasync. In azure mode it is refused, whoever sets it: a host talking to real
 * Azure keeps its records on the disk.
 */
export const DURABLE_SYNC_SETTING = "RINGMASTER_DEVHOST_DURABLE_SYNC";

export function durableSyncFrom(env: Readonly<Record<string, string | undefined>>): DurableSync {
  const value = env[DURABLE_SYNC_SETTING]?.trim() || "disk";
  if (value !== "disk" && value !== "page-cache")
    throw new Error(
      `Devhost: ${DURABLE_SYNC_SETTING}=${value} is not one of disk, page-cache; unset it for disk`,
    );
  if (value === "page-cache" && env.RINGMASTER_MODE?.trim().toLowerCase() === "azure")
    throw new Error(
      `Devhost: ${DURABLE_SYNC_SETTING}=page-cache is for tests on the simulator and is refused in azure mode (RINGMASTER_MODE=azure); unset it or set it to disk`,
    );
  return value;
}
