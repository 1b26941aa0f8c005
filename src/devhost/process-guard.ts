/**
 * The last line of defence: a promise nobody awaited or a throw from a timer callback must not take the
 * whole host (and every orchestration in it) down. Node's default for both is to exit; while a host runs,
 * they are logged instead and the host keeps serving. Every door also handles its own errors: this guard
 * is there for the mistake not yet found, and its log line says where to look.
 */
export function installProcessGuard(log: (message: string) => void): () => void {
  const describe = (error: unknown) =>
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  const onRejection = (reason: unknown) =>
    log(`unhandled promise rejection (host keeps serving): ${describe(reason)}`);
  const onException = (error: unknown) => log(`uncaught exception (host keeps serving): ${describe(error)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return () => {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  };
}
