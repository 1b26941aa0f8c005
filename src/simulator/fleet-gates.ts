import { randomUUID } from "node:crypto";
import {
  fleetId,
  iso,
  type GateRef,
  type GateSpec,
  type GateState,
  type RunState,
  type SimFleet,
  type StageRun,
} from "./fleet-state.js";
import type { World } from "./world.js";

/**
 * Fleet Approval gates, simulated: a gate opens Pending on a stage, raises the ARN `FleetGateCreated`
 * event and holds the run until it is PATCHed to Completed or Skipped (`FleetGateUpdated`).
 */
export async function holdAtGate(
  world: World,
  f: SimFleet,
  run: RunState,
  stage: StageRun,
  spec: GateSpec,
  timing: "Before" | "After",
  refs: GateRef[],
): Promise<void> {
  const name = randomUUID();
  const gate: GateState = {
    name,
    fleet: f,
    properties: {
      ...(spec.displayName ? { displayName: spec.displayName } : {}),
      gateType: spec.type,
      state: "Pending",
      target: {
        id: `${fleetId(f)}/updateRuns/${run.name}`,
        updateRunProperties: { name: run.name, stage: stage.name, timing },
      },
      provisioningState: "Succeeded",
    },
  };
  f.gates.set(name, gate);
  const ref: GateRef = {
    ...(spec.displayName ? { displayName: spec.displayName } : {}),
    gateId: `${fleetId(f)}/gates/${name}`,
    status: { state: "Pending", startTime: iso(world.clock.now()) },
  };
  refs.push(ref);
  emitGate(world, gate, "FleetGateCreated");
  await new Promise<void>((release) => (gate.release = release));
  delete gate.release;
  // Released by a stop, not an answer: the gate still waits.
  if (gate.properties.state === "Pending") return;
  ref.status = {
    ...ref.status,
    state: gate.properties.state === "Skipped" ? "Skipped" : "Completed",
    completedTime: iso(world.clock.now()),
  };
}

/** A PATCH to Completed or Skipped: the gate says so and the run it held goes on. */
export function releaseGate(world: World, gate: GateState, state: "Completed" | "Skipped"): void {
  if (gate.properties.state !== "Pending") return;
  gate.properties.state = state;
  emitGate(world, gate, "FleetGateUpdated");
  gate.release?.();
}

function emitGate(world: World, gate: GateState, action: "FleetGateCreated" | "FleetGateUpdated"): void {
  const id = `${fleetId(gate.fleet)}/gates/${gate.name}`;
  world.events.publish({
    id: randomUUID(),
    topic: `/subscriptions/${gate.fleet.subscriptionId}`,
    subject: id,
    eventType: `Microsoft.ResourceNotifications.AksResources.${action}`,
    eventTime: iso(world.clock.now()),
    data: {
      resourceInfo: {
        id,
        name: gate.name,
        type: "Microsoft.ContainerService/fleets/gates",
        properties: gate.properties,
      },
      operationalInfo: { resourceEventTime: iso(world.clock.now()) },
      apiVersion: "2026-06-01",
    },
    dataVersion: "1",
    metadataVersion: "1",
  });
}
