// Ringmaster in Azure, in the azd template's shape: one resource group with the Flex Consumption app and
// what it uses, plus per managed subscription a custom role and the event sources, and per listed AKS
// cluster its system topic. Every connection is identity-based; the one secret Ringmaster has (the key that
// signs its email links) lives in Key Vault and reaches the app as a Key Vault reference.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of the app and its resources (Flex Consumption must be offered there).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Comma-separated ids of the subscriptions whose AKS clusters Ringmaster manages; empty means this subscription.')
param managedSubscriptionIds string = ''

@description('Comma-separated AKS cluster resource ids whose own events (new versions, support ending, node pool rolls) Ringmaster should receive.')
param clusterIds string = ''

@description('Durable Functions backend: the Durable Task Scheduler (default) or the Azure Storage account.')
@allowed(['DurableTaskScheduler', 'AzureStorage'])
param durableBackend string = 'DurableTaskScheduler'

@allowed(['Consumption', 'Dedicated'])
param schedulerSku string = 'Consumption'

@description('Where the system topics deliver: the ingress Event Hub (set up here) or the Event Grid trigger (set up by the postdeploy hook).')
@allowed(['EventHub', 'EventGridTrigger'])
param eventDelivery string = 'EventHub'

@description('Rollout policy file inside the deployed package, relative to the app root.')
param policyFile string = 'examples/policy.yaml'

@description('Where Communication Services keeps email data at rest.')
param emailDataLocation string = 'Europe'

// azd generates this once per environment (62^64 possibilities) and keeps it as a secret of the
// environment, so each `azd provision` re-sends the same key and links already mailed stay valid. A
// `newGuid()` default would need no azd but would rotate the key, and void every mailed link, at every
// deployment; a `uniqueString()` one would be derivable from the subscription and environment names.
@secure()
@minLength(32)
@description('Signs the one-click links in emails; stored only in the Key Vault secret. Rotate: README, "Dashboard and one-click approvals".')
@metadata({ azd: { type: 'generate', config: { length: 64, noSpecial: true } } })
param actionLinkKey string

@description('Key Vault purge protection: irreversible, and it keeps the vault name taken for 90 days after a delete.')
param keyVaultPurgeProtection bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var appName = '${abbrs.functionApp}ringmaster-${resourceToken}'
var taskHubName = 'ringmaster'
var ingressHubName = 'ringmaster-ingress'
var auditHubName = 'ringmaster-audit'
var listed = filter(split(replace(managedSubscriptionIds, ' ', ''), ','), id => !empty(id))
var managedSubscriptions = empty(listed) ? [subscription().subscriptionId] : listed
var clusters = filter(split(replace(clusterIds, ' ', ''), ','), id => !empty(id))
var useScheduler = durableBackend == 'DurableTaskScheduler'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.userAssignedIdentity}ringmaster-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccount}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${take(resourceToken, 12)}'
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.logAnalytics}${resourceToken}'
    appInsightsName: '${abbrs.appInsights}${resourceToken}'
    location: location
    tags: tags
  }
}

module scheduler 'app/dts.bicep' = if (useScheduler) {
  name: 'scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskScheduler}${resourceToken}'
    taskHubName: taskHubName
    location: location
    tags: tags
    skuName: schedulerSku
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    name: '${abbrs.eventHubNamespace}${resourceToken}'
    location: location
    tags: tags
    ingressHubName: ingressHubName
    auditHubName: auditHubName
  }
}

module email 'app/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    communicationName: '${abbrs.communicationService}${resourceToken}'
    emailServiceName: '${abbrs.emailService}${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module vault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVault}${resourceToken}'
    location: location
    tags: tags
    actionLinkKey: actionLinkKey
    purgeProtection: keyVaultPurgeProtection
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: appName
    planName: '${abbrs.appServicePlan}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.connectionString
    eventHubsNamespace: eventHubs.outputs.fullyQualifiedNamespace
    ingressHubName: eventHubs.outputs.ingressHubName
    auditHubName: eventHubs.outputs.auditHubName
    acsEndpoint: email.outputs.endpoint
    managedSubscriptionIds: join(managedSubscriptions, ',')
    policyFile: policyFile
    taskHubName: taskHubName
    durableBackend: durableBackend
    schedulerEndpoint: useScheduler ? scheduler!.outputs.endpoint : ''
    actionLinkKeyUri: vault.outputs.linkKeyUri
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    eventHubsNamespaceName: eventHubs.outputs.name
    ingressHubName: eventHubs.outputs.ingressHubName
    auditHubName: eventHubs.outputs.auditHubName
    communicationName: email.outputs.communicationName
    schedulerName: useScheduler ? scheduler!.outputs.name : ''
    keyVaultName: vault.outputs.name
    emailRoleName: 'Ringmaster email sender (${environmentName}, ${subscription().subscriptionId})'
  }
}

module managed 'app/managed-subscription.bicep' = [
  for sub in managedSubscriptions: {
    name: 'ringmaster-managed-${uniqueString(sub, environmentName)}'
    scope: subscription(sub)
    params: {
      environmentName: environmentName
      location: location
      tags: tags
      principalId: identity.outputs.principalId
      eventsResourceGroupName: '${abbrs.resourceGroup}${environmentName}-events'
      delivery: eventDelivery
      ingressHubId: eventHubs.outputs.ingressHubId
    }
  }
]

// A cluster's own system topic must sit in the cluster's subscription; its region is the cluster's.
resource managedClusters 'Microsoft.ContainerService/managedClusters@2025-10-01' existing = [
  for id in clusters: {
    name: last(split(id, '/'))
    scope: resourceGroup(split(id, '/')[2], split(id, '/')[4])
  }
]

module clusterTopics 'app/system-topic.bicep' = [
  for (id, i) in clusters: {
    name: 'ringmaster-cluster-${uniqueString(id, environmentName)}'
    scope: resourceGroup(split(id, '/')[2], split(id, '/')[4])
    params: {
      name: take('${abbrs.systemTopic}${last(split(id, '/'))}-${uniqueString(id, environmentName)}', 64)
      location: managedClusters[i].location
      tags: tags
      source: id
      topicType: 'Microsoft.ContainerService.ManagedClusters'
      delivery: eventDelivery
      ingressHubId: eventHubs.outputs.ingressHubId
    }
  }
]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URL string = 'https://${api.outputs.defaultHostName}'
output RINGMASTER_EVENT_DELIVERY string = eventDelivery
output RINGMASTER_EMAIL_SENDER string = email.outputs.senderAddress
output RINGMASTER_KEY_VAULT_NAME string = vault.outputs.name
// For the postdeploy hook: every system topic as "subscriptionId/resourceGroup/name".
output RINGMASTER_SUBSCRIPTION_TOPICS array = [for (sub, i) in managedSubscriptions: managed[i].outputs.topics]
output RINGMASTER_CLUSTER_TOPICS array = [for (id, i) in clusters: clusterTopics[i].outputs.path]
