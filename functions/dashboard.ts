// The dashboard (server-rendered pages for people) and the door of the one-click links in emails.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import { registerOrchestration } from "../src/app/durable-app.js";
import { once } from "../src/azure/lazy-sdk.js";
import { WorkflowName } from "../src/contracts/workflow-names.js";
import { durableClientInput } from "../src/dispatch/lazy-durable.js";

/** Loaded on the first request, like the API's handlers (functions/api.ts). */
const handlers = once(async () => {
  const [{ guarded }, pages, clusters, timeline, windows, act] = await Promise.all([
    import("../src/api/guarded.js"),
    import("../src/api/dashboard/rollout-pages.js"),
    import("../src/api/dashboard/clusters-page.js"),
    import("../src/api/dashboard/timeline-page.js"),
    import("../src/api/dashboard/windows-page.js"),
    import("../src/api/dashboard/act-page.js"),
  ]);
  return {
    dashRollouts: guarded(pages.rolloutsPage),
    dashRollout: guarded(pages.rolloutPage),
    dashClusters: guarded(clusters.clustersPage),
    dashTimeline: guarded(timeline.timelinePage),
    dashWindows: guarded(windows.windowsPage),
    actionLinkConfirm: guarded(act.confirmPage),
    actionLinkAct: guarded(act.actPost),
  };
});
type Name = keyof Awaited<ReturnType<typeof handlers>>;
const handler =
  (name: Name) =>
  async (req: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    (await handlers())[name](req, context);

const client = [durableClientInput()];

// The pages open the same door as the API (a function key, `?code=` in a browser; links inside keep it).
const pages: [Name, string][] = [
  ["dashRollouts", "dash"],
  ["dashWindows", "dash/windows"],
  ["dashRollout", "dash/rollouts/{id}"],
  ["dashClusters", "dash/rollouts/{id}/clusters"],
  ["dashTimeline", "dash/rollouts/{id}/timeline"],
];
for (const [name, route] of pages)
  app.http(name, {
    route,
    methods: ["GET"],
    authLevel: "function",
    extraInputs: client,
    handler: handler(name),
  });

// An email cannot carry a function key: this door's lock is the link's signature (one rollout, ring and
// action, until a deadline, once), and in Azure App Service authentication in front of the whole app.
app.http("actionLinkConfirm", {
  route: "act",
  methods: ["GET"],
  authLevel: "anonymous",
  extraInputs: client,
  handler: handler("actionLinkConfirm"),
});
app.http("actionLinkAct", {
  route: "act",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: client,
  handler: handler("actionLinkAct"),
});

registerOrchestration(WorkflowName.actionLink, {
  load: async () => (await import("../src/workflows/action-link.js")).actionLinkWorkflow,
});
