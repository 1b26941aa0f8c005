// One Event Grid system topic (ARN, Fleet or one AKS cluster) with its own managed identity, and, when the
// ingress Event Hub is the destination, an event subscription that delivers to it with that identity.
// Webhook delivery to the Event Grid trigger needs the function's system key, which exists only after
// code deploy: infra/hooks/postdeploy.sh creates those subscriptions instead.
param name string
param location string
param tags object
@description('The resource id the events come from: a subscription or a managed cluster.')
param source string
param topicType string
@allowed(['EventHub', 'EventGridTrigger'])
param delivery string
param ingressHubId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: source
    topicType: topicType
  }
}

// The hub is in Ringmaster's resource group, possibly in another subscription.
module sender 'hub-sender.bicep' = if (delivery == 'EventHub') {
  name: take('sender-${uniqueString(topic.id)}', 64)
  scope: resourceGroup(split(ingressHubId, '/')[2], split(ingressHubId, '/')[4])
  params: {
    principalId: topic.identity.principalId
    namespaceName: split(ingressHubId, '/')[8]
    hubName: split(ingressHubId, '/')[10]
  }
}

resource toHub 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (delivery == 'EventHub') {
  parent: topic
  name: 'ringmaster-ingress'
  dependsOn: [sender]
  properties: {
    deliveryWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      destination: {
        endpointType: 'EventHub'
        properties: { resourceId: ingressHubId }
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
}

output name string = topic.name
output path string = '${subscription().subscriptionId}/${resourceGroup().name}/${topic.name}'
