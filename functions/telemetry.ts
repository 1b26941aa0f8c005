// Telemetry that belongs to every invocation: the ARM calls and 429s it made (src/shared/telemetry.ts).
import { app } from "@azure/functions";
import { metricLine, takeArmCounts } from "../src/shared/telemetry.js";

app.hook.postInvocation((context) => {
  const { calls, throttled } = takeArmCounts();
  const log = context.invocationContext;
  if (calls > 0) log.info(metricLine("ringmaster.arm.calls", calls, { function: log.functionName }));
  if (throttled > 0)
    log.info(metricLine("ringmaster.arm.throttled", throttled, { function: log.functionName }));
});
