import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "..", "..", "bin", "ringmaster.js");
export const SAMPLE_APP = resolve(import.meta.dirname, "..", "fixtures", "apps", "durable-js");

export interface HostProcess {
  readonly url: string;
  readonly stateDir: string;
  readonly output: () => string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/** Starts `ringmaster host start` for an app in a child process on a free port, with its own state dir. */
export async function startHost(
  appDir: string,
  options: { env?: Record<string, string>; stateDir?: string; args?: string[] } = {},
): Promise<HostProcess> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "rm-host-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, "host", "start", "--cwd", appDir, "--port", "0", "--state", stateDir, ...(options.args ?? [])],
    {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`host did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`host exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  return {
    url,
    stateDir,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export async function json<T = Record<string, unknown>>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
  historyEvents?: {
    EventType: number;
    EventId: number;
    Name?: string;
    TaskScheduledId?: number;
    TimerId?: number;
    OrchestrationStatus?: number;
  }[];
}

export function statusUrl(base: string, id: string, history = false): string {
  return `${base}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}${history ? "?showHistory=true&showHistoryOutput=true&showEngineHistory=true" : ""}`;
}

export async function waitForStatus(
  base: string,
  id: string,
  statuses: string[],
  timeoutMs = 20_000,
): Promise<Status> {
  return waitFor(
    `${id} to be ${statuses.join("/")}`,
    async () => {
      const r = await json<Status>(statusUrl(base, id, true));
      return r.status !== 404 && statuses.includes(r.body.runtimeStatus) ? r.body : undefined;
    },
    timeoutMs,
  );
}
