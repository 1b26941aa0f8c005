import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  coordinatedClock,
  DiscreteClock,
  type Clock,
  type CoordinatedClock,
} from "../../../src/clock/clock.js";
import { joinClock } from "../../../src/clock/clock-link.js";
import { heldRequestHeaders, serveHeld } from "../../../src/clock/held-request.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;

/**
 * A client's request held on a discrete clock, answered by a server whose work sleeps on the clock (a
 * webhook whose ARM call was throttled and waits out Retry-After). Without the client's holds named on the
 * request, the client's hold keeps time still while the server waits for time to pass: the request never
 * ends (it did end, after Event Grid's 30 s of real time, when the delivery gave up).
 */
async function sleepingServer(clock: Clock, sleepMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer(
    (req, res) =>
      void serveHeld(clock, "test server", req, res, async () => {
        await clock.sleep(sleepMs);
        res.end(String(clock.now()));
      }),
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe("a request between held work and a server that waits on the clock", () => {
  const servers: Server[] = [];
  let coord: CoordinatedClock | undefined;
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((ok) => s.close(ok));
    }
    await coord?.stop();
    coord = undefined;
  });

  it("in one process: the client's hold waits while the server sleeps, and is busy again for the answer", async () => {
    const clock = new DiscreteClock(T0);
    const { server, url } = await sleepingServer(clock, 10 * MIN);
    servers.push(server);
    let later = false;
    clock.setTimer(T0 + 10 * MIN + 1, () => (later = true));
    const answered = await clock.held("client", async () => {
      const res = await fetch(url, { headers: heldRequestHeaders(clock) });
      const body = await res.text();
      // Between the server's answer and its reader, time did not move on.
      expect(later).toBe(false);
      expect(clock.now()).toBe(T0 + 10 * MIN);
      return Number(body);
    });
    expect(answered).toBe(T0 + 10 * MIN);
  }, 10_000);

  it("across the clock link: a coordinator's client, a participant's server", async () => {
    coord = await coordinatedClock(T0);
    const participant = new DiscreteClock(T0, "host");
    joinClock(participant, coord.coordinator.address);
    await participant.ready();
    const { server, url } = await sleepingServer(participant, 7 * MIN);
    servers.push(server);
    const client = coord.clock;
    const answered = await client.held("Event Grid delivery", async () => {
      const headers = heldRequestHeaders(client);
      expect(Object.keys(headers)).toEqual(["x-ringmaster-clock-holds"]);
      const res = await fetch(url, { headers });
      expect(client.now()).toBe(T0 + 7 * MIN);
      return Number(await res.text());
    });
    expect(answered).toBe(T0 + 7 * MIN);
  }, 10_000);

  it("names nothing outside held work, and a server ignores holds it cannot find", () => {
    const clock = new DiscreteClock(T0);
    expect(heldRequestHeaders(clock)).toEqual({});
    const end = clock.lendWait(["0.0", "not-a-hold"]);
    end();
    expect(clock.busyReasons).toEqual([]);
  });
});
