import { describe, expect, it } from "vitest";
import { installProcessGuard } from "../../../src/devhost/process-guard.js";

describe("Devhost: process guard", () => {
  it("logs an unhandled rejection and an uncaught exception instead of exiting, until released", () => {
    const logged: string[] = [];
    const before = process.listenerCount("unhandledRejection");
    const release = installProcessGuard((m) => logged.push(m));
    try {
      process.emit("unhandledRejection", new Error("nobody awaited me"), Promise.resolve());
      process.emit("uncaughtException", new Error("thrown from a timer"));
    } finally {
      release();
    }
    expect(logged).toEqual([
      expect.stringMatching(/^unhandled promise rejection \(host keeps serving\): Error: nobody awaited me/),
      expect.stringMatching(/^uncaught exception \(host keeps serving\): Error: thrown from a timer/),
    ]);
    expect(process.listenerCount("unhandledRejection")).toBe(before);
  });
});
