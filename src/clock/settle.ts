/**
 * Before the discrete clock moves, the process must really be quiet: work nobody holds (a promise chain
 * writing the durable store, a dynamic import, a socket being connected) gets turns of the event loop and
 * its file-system and connect requests get to finish — until a few turns in a row pass with none pending.
 */
const TURNS = 3;
/** Real milliseconds to wait at most for the file system or a connect to answer. */
const MAX_IO_WAIT_MS = 2000;
const IO = /^(FSReq|CloseReq|TCPConnectWrap|GetAddrInfoReqWrap|PipeConnectWrap)/;

export async function settle(): Promise<void> {
  const deadline = Date.now() + MAX_IO_WAIT_MS;
  for (;;) {
    for (let i = 0; i < TURNS; i++) await new Promise<void>((r) => setImmediate(r));
    if (!ioPending() || Date.now() > deadline) return;
    while (ioPending() && Date.now() < deadline) await new Promise<void>((r) => setTimeout(r, 1));
  }
}

function ioPending(): boolean {
  return process.getActiveResourcesInfo().some((r) => IO.test(r));
}
