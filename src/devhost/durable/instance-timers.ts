import type { Clock, TimerHandle } from "../../clock/clock.js";

/**
 * The durable timers each instance has armed on the host clock, so that a finished, restarted or purged
 * instance can drop its own and a stopping engine can drop them all. Firing is the engine's business.
 */
export class InstanceTimers {
  private readonly byInstance = new Map<string, Set<TimerHandle>>();

  constructor(private readonly clock: Clock) {}

  arm(instanceId: string, at: number, fire: () => void): void {
    const handles = this.byInstance.get(instanceId) ?? new Set<TimerHandle>();
    const handle = this.clock.setTimer(at, () => {
      handles.delete(handle);
      fire();
    });
    handles.add(handle);
    this.byInstance.set(instanceId, handles);
  }

  cancel(instanceId: string): void {
    for (const h of this.byInstance.get(instanceId) ?? []) this.clock.clearTimer(h);
    this.byInstance.delete(instanceId);
  }

  cancelAll(): void {
    for (const handles of this.byInstance.values()) for (const h of handles) this.clock.clearTimer(h);
    this.byInstance.clear();
  }
}
