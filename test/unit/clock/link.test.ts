import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  clockFromSetting,
  coordinatedClock,
  DiscreteClock,
  type CoordinatedClock,
} from "../../../src/clock/clock.js";
import { joinClock } from "../../../src/clock/clock-link.js";
import { composeAdapters } from "../../../src/azure/compose.js";
import { parseSettings } from "../../../src/config/settings.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;
const PARTICIPANT = resolve(import.meta.dirname, "..", "..", "fixtures", "clock-participant.ts");

/** A participant in a child process (the local host's situation), driven line by line. */
function child(setting: string) {
  const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", PARTICIPANT], {
    env: { ...process.env, RINGMASTER_CLOCK: setting },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiting: { match: RegExp; ok: (line: string) => void }[] = [];
  let buffered = "";
  proc.stdout!.on("data", (d: Buffer) => {
    buffered += d.toString();
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      lines.push(line);
      for (const w of waiting.splice(0))
        if (w.match.test(line)) w.ok(line);
        else waiting.push(w);
    }
  });
  const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
  return {
    lines,
    send: (line: string) => proc.stdin!.write(`${line}\n`),
    /** Resolves with the first line (already said or to come) matching. */
    said: (match: RegExp) =>
      new Promise<string>((ok) => {
        const seen = lines.find((l) => match.test(l));
        if (seen) ok(seen);
        else waiting.push({ match, ok });
      }),
    kill9: async () => {
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

/** Waits (real time: a message's arrival, not simulated time) until the coordinator has heard the child's report. */
async function reported(
  coord: CoordinatedClock,
  test: (p: { busy: boolean; nextDue: number | undefined }) => boolean,
): Promise<void> {
  while (!coord.coordinator.participantStates().some(test)) await new Promise((r) => setTimeout(r, 5));
}

describe("the discrete clock across processes", () => {
  let coord: CoordinatedClock | undefined;
  afterEach(async () => {
    await coord?.stop();
    coord = undefined;
  });

  it("in one process, clockFromSetting of the coordinator's setting is the coordinator's own clock", async () => {
    coord = await coordinatedClock(T0);
    expect(clockFromSetting(coord.setting)).toBe(coord.clock);
    expect(coord.setting).toMatch(/^discrete;start=2026-11-23T00:00:00\.000Z;coordinator=127\.0\.0\.1:\d+$/);
    // The app's adapters, composed from the same setting (RINGMASTER_CLOCK is validated by zod), share it.
    const adapters = composeAdapters(
      parseSettings({
        RINGMASTER_MODE: "simulator",
        RINGMASTER_POLICY_FILE: "examples/policy.yaml",
        RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
        RINGMASTER_ARM_ENDPOINT: "http://127.0.0.1:7080",
        RINGMASTER_ACS_CONNECTION_STRING: "endpoint=http://127.0.0.1:7080/;accesskey=a2V5",
        RINGMASTER_CLOCK: coord.setting,
      }),
    );
    expect(adapters.clock).toBe(coord.clock);
    const other = "discrete;start=2026-11-23T00:00:00.000Z";
    expect(clockFromSetting(other)).toBe(clockFromSetting(other));
    expect(() => clockFromSetting("discrete;start=2026-11-23T00:00:00Z;coordinator=10.0.0.1:80")).toThrow(
      /RINGMASTER_CLOCK: expected/,
    );
  });

  it("two participants over loopback: time moves only when all are idle, timers fire in one order", async () => {
    coord = await coordinatedClock(T0);
    const a = new DiscreteClock(T0, "a");
    const b = new DiscreteClock(T0, "b");
    joinClock(a, coord.coordinator.address);
    joinClock(b, coord.coordinator.address);
    await Promise.all([a.ready(), b.ready()]);
    const fired: string[] = [];
    const note = (who: string, c: DiscreteClock) => () => fired.push(`${who}@${(c.now() - T0) / MIN}`);
    a.setTimer(T0 + 10 * MIN, note("a", a));
    b.setTimer(T0 + 5 * MIN, note("b", b));
    coord.clock.setTimer(T0 + 7 * MIN, note("coordinator", coord.clock));
    // b is busy: nobody's time moves, however long it takes in real time.
    const busy = b.hold("b's request");
    await new Promise((r) => setTimeout(r, 100));
    expect(fired).toEqual([]);
    expect([a.now(), b.now(), coord.clock.now()]).toEqual([T0, T0, T0]);
    busy.release();
    (await coord.clock.at(T0 + 20 * MIN)).release();
    expect(fired).toEqual(["b@5", "coordinator@7", "a@10"]);
    expect(coord.coordinator.participants).toBe(2);
  });

  it("a sleep in a participant's held work lets time move; the work is busy again when it wakes", async () => {
    coord = await coordinatedClock(T0);
    const p = new DiscreteClock(T0, "p");
    joinClock(p, coord.coordinator.address);
    await p.ready();
    const woke: number[] = [];
    let coordinatorFiredAt: number | undefined;
    coord.clock.setTimer(T0 + 45 * MIN, () => (coordinatorFiredAt = coord!.clock.now()));
    await p.held("an activity polling", async () => {
      for (let i = 0; i < 2; i++) {
        await p.sleep(30 * MIN);
        woke.push((p.now() - T0) / MIN);
        // Busy after waking: the coordinator's 45-minute timer waits for this real-time work.
        await new Promise((r) => setTimeout(r, 30));
        expect(coordinatorFiredAt === undefined || coordinatorFiredAt === T0 + 45 * MIN).toBe(true);
      }
    });
    expect(woke).toEqual([30, 60]);
    expect(coordinatorFiredAt).toBe(T0 + 45 * MIN);
  });

  it("a child process holds time while busy; killed (-9) mid-work, it is dropped and time goes on", async () => {
    coord = await coordinatedClock(T0);
    const host = child(coord.setting);
    await host.said(/^joined 0$/);
    // Time held while the test talks to the child over stdin (a channel the clock knows nothing about),
    // until the child's report of its new timer has arrived.
    const commanding = coord.clock.hold("the test commanding");
    host.send(`timer ${30 * MIN} 300`);
    await host.said(/^armed/);
    await reported(coord, (p) => !p.busy && p.nextDue === T0 + 30 * MIN);
    let coordinatorAt: number | undefined;
    coord.clock.setTimer(T0 + 31 * MIN, () => (coordinatorAt = coord!.clock.now()));
    commanding.release();
    // The child's timer fires at 30 min and its work holds time for 300 real ms: the 31-minute timer waits.
    await host.said(/^fired 1800000$/);
    expect(coordinatorAt).toBeUndefined();
    await host.said(/^done 1800000$/);
    (await coord.clock.at(T0 + 31 * MIN)).release();
    expect(coordinatorAt).toBe(T0 + 31 * MIN);

    // Now it holds forever and is killed: time stands still until it is gone, then moves on.
    const commandingAgain = coord.clock.hold("the test commanding");
    host.send("hold");
    await host.said(/^holding$/);
    await reported(coord, (p) => p.busy);
    let after = false;
    coord.clock.setTimer(T0 + 60 * MIN, () => (after = true));
    commandingAgain.release();
    await new Promise((r) => setTimeout(r, 150));
    expect(after).toBe(false);
    await host.kill9();
    (await coord.clock.at(T0 + 60 * MIN)).release();
    expect(after).toBe(true);

    // A new participant (a restarted host) joins at the current time.
    const again = child(coord.setting);
    await again.said(new RegExp(`^joined ${60 * MIN}$`));
    expect(coord.coordinator.participants).toBe(1);
    again.send("exit");
  }, 30_000);
});
