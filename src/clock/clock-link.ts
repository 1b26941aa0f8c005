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
const FromParticipant = z.discriminatedUnion("t", [
  z.strictObject({
    t: z.literal("state"),
    busy: z.boolean(),
    nextDue: z.number().finite().optional(),
    step: z.number().int(),
  }),
  // A server in the participant answers a request whose client holds are the coordinator's: those wait
  // until "unlend" (the participant is busy meanwhile, so time moves only when its work waits too).
  z.strictObject({
    t: z.literal("lend"),
    id: z.number().int(),
    holds: z.array(z.string().max(64)).max(64),
  }),
  z.strictObject({ t: z.literal("unlend"), id: z.number().int() }),
]);
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
    const lent = new Map<number, () => void>();
    send(socket, clock.now(), clock.step);
    readLines(socket, (line) => {
      const raw: unknown = JSON.parse(line);
      const parsed = FromParticipant.safeParse(raw);
      // A malformed lend is ignored (its client's hold just stays busy); only a bad state ends the link.
      if (!parsed.success) {
        const t = (raw as { t?: unknown } | null)?.t;
        return t === "lend" || t === "unlend" ? undefined : socket.destroy();
      }
      const m = parsed.data;
      if (m.t === "lend") return void lent.set(m.id, clock.lendWait(m.holds));
      if (m.t === "unlend") {
        lent.get(m.id)?.();
        return void lent.delete(m.id);
      }
      const p = peers.get(socket);
      if (!p) return;
      p.busy = m.busy;
      p.nextDue = m.nextDue;
      p.step = m.step;
      clock.kick();
    });
    const drop = () => {
      // A killed participant answers nothing more: the clients it answered for are busy again (their
      // requests fail now, and that is handled at this instant).
      for (const end of lent.values()) end();
      lent.clear();
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
  const write = (message: object) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
  };
  let lends = 0;
  clock.follow(
    (state) =>
      write({
        t: "state",
        busy: state.busy,
        step: state.step,
        ...(state.nextDue === undefined ? {} : { nextDue: state.nextDue }),
      }),
    ready,
    (holds) => {
      const id = ++lends;
      write({ t: "lend", id, holds });
      return () => write({ t: "unlend", id });
    },
  );
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
