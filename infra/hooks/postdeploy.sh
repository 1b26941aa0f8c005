#!/bin/sh
# azd postdeploy hook. With RINGMASTER_EVENT_DELIVERY=EventGridTrigger, subscribes every system topic the
# template made (per managed subscription: ARN scheduled events and Fleet gates; per listed cluster: its
# AKS events) to the `aksEvents` Event Grid trigger. Its webhook URL carries the `eventgrid_extension`
# system key, which exists only once the code is deployed, so Bicep cannot create these subscriptions.
# With the default (EventHub) the template already delivered the topics to the ingress hub: nothing to do.
# Needs, for EventGridTrigger: az (signed in: `az login`) and node (to read azd's JSON outputs). Re-running is
# safe: create updates an existing subscription of the same name.
set -eu

# azd runs hooks with the environment's values and outputs exported (run it again with `azd hooks run postdeploy`).
if [ "${RINGMASTER_EVENT_DELIVERY:-EventHub}" != "EventGridTrigger" ]; then
  echo "postdeploy: events go to the ingress Event Hub (RINGMASTER_EVENT_DELIVERY=${RINGMASTER_EVENT_DELIVERY:-EventHub}); no webhook subscriptions needed."
  exit 0
fi
for cmd in az node; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "postdeploy: $cmd is required (see README, Deploy to Azure)" >&2; exit 1; }
done
: "${AZURE_FUNCTION_APP_NAME:?run through azd (azd up, or azd hooks run postdeploy)}"
: "${RESOURCE_GROUP:?run through azd}" "${SERVICE_API_URL:?run through azd}"

key=$(az functionapp keys list -n "$AZURE_FUNCTION_APP_NAME" -g "$RESOURCE_GROUP" --query "systemKeys.eventgrid_extension" -o tsv)
if [ -z "$key" ]; then
  echo "postdeploy: the app has no eventgrid_extension system key yet; is the code deployed (azd deploy)?" >&2
  exit 1
fi
endpoint="${SERVICE_API_URL}/runtime/webhooks/eventgrid?functionName=aksEvents&code=${key}"

# Both outputs are JSON arrays of "subscriptionId/resourceGroup/topicName" (the first one nested per subscription).
topics=$(node -e '
  const parse = (s) => (s ? JSON.parse(s) : []);
  const all = [...parse(process.argv[1]).flat(), ...parse(process.argv[2])];
  console.log(all.join("\n"));
' "${RINGMASTER_SUBSCRIPTION_TOPICS:-}" "${RINGMASTER_CLUSTER_TOPICS:-}")

echo "$topics" | while IFS=/ read -r sub rg topic; do
  [ -n "$topic" ] || continue
  echo "postdeploy: subscribing $topic ($sub/$rg) to the aksEvents trigger"
  az eventgrid system-topic event-subscription create \
    --subscription "$sub" -g "$rg" --system-topic-name "$topic" -n ringmaster-webhook \
    --endpoint-type webhook --endpoint "$endpoint" --event-delivery-schema eventgridschema \
    --max-delivery-attempts 30 --event-ttl 1440 --output none
done
echo "postdeploy: done"
