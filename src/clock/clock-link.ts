import { createServer, connect, type Socket } from "node:net";
import { z } from "zod";
import type { DiscreteClock, Peers } from "./discrete.js";

/**
 * One discrete timeline across processes, over loopback TCP with newline-delimited JSON. The coordinator
 * (the process that owns the simulator) advances time; each participant (a local host in a child process)
 * reports `{busy, nextDue, step}` whenever that changes and follows the coordinator's `{now, step}`.
 * Time moves only when the coordinator and every connected participant are idle and have seen the last
 * step. A participant that disconnects (killed) is dropped and time goes on without it; one that connects
 * joins at the current time.
 */
const FromParticipant = z.strictObject({
  t: z.literal("state"),
  busy: z.boolean(),
  nextDue: z.number().finite().optional(),
  step: z.number().int(),
});
const FromCoordinator = z.strictObject({
  t: z.literal("now"),
  now: z.number().finite(),
  step: z.number().int(),
});

export interface Participant {
  busy: boolean;
  nextDue: number | undefined;
  step: number;
}

export interface ClockCoordinator {
  /** `127.0.0.1:<port>`, as RINGMASTER_CLOCK names it. */
  readonly address: string;
  /** Participants connected now. */
  readonly participants: number;
  /** What each participant last reported. */
  participantStates(): Readonly<Participant>[];
  stop(): Promise<void>;
}

export async function coordinateClock(clock: DiscreteClock): Promise<ClockCoordinator> {
  const peers = new Map<Socket, Participant>();
  const send = (socket: Socket, now: number, step: number) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify({ t: "now", now, step })}\n`);
  };
  const links: Peers = {
    idleAt: (step) => [...peers.values()].every((p) => !p.busy && p.step === step),
    nextDue: () => {
      const due = [...peers.values()].map((p) => p.nextDue).filter((d) => d !== undefined);
      return due.length > 0 ? Math.min(...due) : undefined;
    },
    advanced: (now, step) => {
      for (const socket of peers.keys()) send(socket, now, step);
    },
  };
  clock.coordinate(links);
  const server = createServer((socket) => {
    socket.unref();
    socket.setNoDelay(true);
    // Busy until it says otherwise: a newcomer is booting.
    peers.set(socket, { busy: true, nextDue: undefined, step: -1 });
    send(socket, clock.now(), clock.step);
    readLines(socket, (line) => {
      const parsed = FromParticipant.safeParse(JSON.parse(line));
      if (!parsed.success) return socket.destroy();
      const p = peers.get(socket);
      if (!p) return;
      p.busy = parsed.data.busy;
      p.nextDue = parsed.data.nextDue;
      p.step = parsed.data.step;
      clock.kick();
    });
    const drop = () => {
      if (peers.delete(socket)) clock.kick();
    };
    socket.on("close", drop);
    socket.on("error", drop);
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  server.unref();
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    get participants() {
      return peers.size;
    },
    participantStates: () => [...peers.values()].map((p) => ({ ...p })),
    async stop() {
      for (const socket of peers.keys()) socket.destroy();
      peers.clear();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Makes `clock` a participant of the coordinator at `address` (`127.0.0.1:<port>`). */
export function joinClock(clock: DiscreteClock, address: string): void {
  const [host, port] = address.split(":");
  const socket = connect({ host: host!, port: Number(port) });
  socket.setNoDelay(true);
  let joined!: () => void;
  let failed!: (e: Error) => void;
  const ready = new Promise<void>((ok, fail) => {
    joined = ok;
    failed = fail;
  });
  // A host that never joins must say why rather than hang: `ready()` rejects if the coordinator is gone.
  ready.catch(() => {});
  socket.on("error", (e) =>
    failed(new Error(`RINGMASTER_CLOCK: cannot reach the clock's coordinator at ${address}: ${e.message}`)),
  );
  readLines(socket, (line) => {
    const parsed = FromCoordinator.safeParse(JSON.parse(line));
    if (!parsed.success) return socket.destroy();
    clock.followTo(parsed.data.now, parsed.data.step);
    // Kept alive until joined (a process awaiting `ready()` has nothing else yet); not after.
    socket.unref();
    joined();
  });
  clock.follow((state) => {
    if (!socket.destroyed)
      socket.write(
        `${JSON.stringify({ t: "state", busy: state.busy, step: state.step, ...(state.nextDue === undefined ? {} : { nextDue: state.nextDue }) })}\n`,
      );
  }, ready);
}

function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      if (!line.trim()) continue;
      try {
        onLine(line);
      } catch {
        socket.destroy();
        return;
      }
    }
  });
}
