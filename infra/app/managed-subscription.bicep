// Everything Ringmaster needs in one managed subscription: a least-privilege custom role for the app's
// identity, and the subscription-wide event sources (Azure Resource Notifications for AKS scheduled
// events, and Fleet gate events) in a small resource group of their own.
targetScope = 'subscription'

param environmentName string
param location string
param tags object
param principalId string
param eventsResourceGroupName string
@allowed(['EventHub', 'EventGridTrigger'])
param delivery string
param ingressHubId string

// Exactly the ARM operations Ringmaster's adapters call (test/infra/role.test.ts tours every adapter method
// against the simulator, maps its audited requests to RBAC actions and fails on any difference). Tag updates are
// PATCH on the cluster (managedClusters/write); Resource Graph and Cost Management queries are POSTs that read.
var operatorActions = [
  'Microsoft.ContainerService/managedClusters/read'
  'Microsoft.ContainerService/managedClusters/write'
  'Microsoft.ContainerService/managedClusters/abort/action'
  'Microsoft.ContainerService/managedClusters/upgradeProfiles/read'
  'Microsoft.ContainerService/managedClusters/agentPools/read'
  'Microsoft.ContainerService/managedClusters/agentPools/write'
  'Microsoft.ContainerService/managedClusters/agentPools/upgradeProfiles/read'
  'Microsoft.ContainerService/managedClusters/agentPools/upgradeNodeImageVersion/action'
  'Microsoft.ContainerService/managedClusters/maintenanceConfigurations/read'
  'Microsoft.ContainerService/managedClusters/maintenanceConfigurations/write'
  'Microsoft.ContainerService/managedClusters/maintenanceConfigurations/delete'
  'Microsoft.ContainerService/locations/kubernetesVersions/read'
  'Microsoft.ContainerService/locations/operations/read'
  'Microsoft.ContainerService/locations/operationresults/read'
  'Microsoft.ContainerService/fleets/members/read'
  // The Fleet executor sets a member's update group (fleetMembers.update) before it creates a run.
  'Microsoft.ContainerService/fleets/members/write'
  'Microsoft.ContainerService/fleets/updateRuns/read'
  'Microsoft.ContainerService/fleets/updateRuns/write'
  'Microsoft.ContainerService/fleets/updateRuns/start/action'
  'Microsoft.ContainerService/fleets/updateRuns/stop/action'
  'Microsoft.ContainerService/fleets/updateRuns/skip/action'
  'Microsoft.ContainerService/fleets/gates/read'
  'Microsoft.ContainerService/fleets/gates/write'
  'Microsoft.Maintenance/configurationAssignments/read'
  'Microsoft.Maintenance/configurationAssignments/write'
  'Microsoft.Maintenance/configurationAssignments/delete'
  'Microsoft.Maintenance/publicMaintenanceConfigurations/read'
  'Microsoft.ResourceGraph/resources/read'
  'Microsoft.CostManagement/query/read'
  'Microsoft.AlertsManagement/alerts/read'
]

resource operator 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, environmentName, 'ringmaster-operator')
  properties: {
    // Custom role names are unique in the tenant: one role per environment and subscription.
    roleName: 'Ringmaster AKS operator (${environmentName}, ${subscription().subscriptionId})'
    description: 'The ARM operations Ringmaster calls to roll AKS upgrades out in rings.'
    type: 'CustomRole'
    assignableScopes: [subscription().id]
    permissions: [{ actions: operatorActions, notActions: [] }]
  }
}

resource operatorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, operator.id)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: operator.id
  }
}

resource events 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: eventsResourceGroupName
  location: location
  tags: tags
}

// Subscription-wide system topics live in the global region.
module scheduledEvents 'system-topic.bicep' = {
  name: 'ringmaster-arn-${uniqueString(subscription().id, environmentName)}'
  scope: events
  params: {
    name: 'evgt-arn-${uniqueString(subscription().id, environmentName)}'
    location: 'global'
    tags: tags
    source: subscription().id
    topicType: 'Microsoft.ResourceNotifications.ContainerServiceEventResources'
    delivery: delivery
    ingressHubId: ingressHubId
  }
}

module fleetGates 'system-topic.bicep' = {
  name: 'ringmaster-fleet-${uniqueString(subscription().id, environmentName)}'
  scope: events
  params: {
    name: 'evgt-fleet-${uniqueString(subscription().id, environmentName)}'
    location: 'global'
    tags: tags
    source: subscription().id
    topicType: 'Microsoft.ResourceNotifications.AKSResources'
    delivery: delivery
    ingressHubId: ingressHubId
  }
}

output topics array = [
  '${subscription().subscriptionId}/${events.name}/${scheduledEvents.outputs.name}'
  '${subscription().subscriptionId}/${events.name}/${fleetGates.outputs.name}'
]
