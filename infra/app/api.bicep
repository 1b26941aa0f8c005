// The Flex Consumption (FC1) function app on Node 22, running as the user-assigned identity, and every app
// setting Ringmaster reads in azure mode. Connections are identity-based (`<connection>__credential`,
// `__clientId`, service URI or namespace): no key, SAS or connection string with a secret is set. The one
// secret, the link-signing key, is a Key Vault reference the platform resolves with the same identity.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerUrl string
param appInsightsConnectionString string
param eventHubsNamespace string
param ingressHubName string
param auditHubName string
param acsEndpoint string
@description('Comma-separated subscription GUIDs Ringmaster manages.')
param managedSubscriptionIds string
param policyFile string
param taskHubName string
@allowed(['DurableTaskScheduler', 'AzureStorage'])
param durableBackend string
@description('Durable Task Scheduler endpoint; empty when the Azure Storage backend is chosen.')
param schedulerEndpoint string
@description('Versionless URI of the Key Vault secret holding RINGMASTER_ACTION_LINK_KEY.')
param actionLinkKeyUri string
param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the app's user-assigned identity (the default is a system identity,
    // which this app does not have).
    keyVaultReferenceIdentity: identityId
    siteConfig: { minTlsVersion: '1.2', ftpsState: 'Disabled' }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
      runtime: { name: 'node', version: '22' }
    }
  }
}

// Basic-auth publishing (FTP and SCM) stays off: azd deploys with the signed-in user's Entra token.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

var useScheduler = durableBackend == 'DurableTaskScheduler'

// One literal object, so the compiled template lists every setting by name (test/infra reads it).
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage by identity: no AccountKey anywhere.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // DefaultAzureCredential picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identityClientId
    TASKHUB_NAME: taskHubName
    // The Durable extension resolves no %setting% in storageProvider.type, so the provider is chosen with
    // the host's documented override of host.json (`AzureFunctionsJobHost__<path>`): host.json says
    // AzureStorage, these say which backend this deployment uses.
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: useScheduler ? 'azureManaged' : 'AzureStorage'
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: useScheduler
      ? 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
      : 'AzureWebJobsStorage'
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: useScheduler
      ? 'Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
      : ''
    RINGMASTER_MODE: 'azure'
    RINGMASTER_POLICY_FILE: policyFile
    RINGMASTER_SUBSCRIPTION_IDS: managedSubscriptionIds
    RINGMASTER_ACS_ENDPOINT: acsEndpoint
    RINGMASTER_LRO_POLL_SECONDS: '30'
    // Resolved by App Service at start and within a day of a new secret version (README: rotation).
    RINGMASTER_ACTION_LINK_KEY: '@Microsoft.KeyVault(SecretUri=${actionLinkKeyUri})'
    // A separate settings resource, so the base URL can name the site's own default host name.
    RINGMASTER_PUBLIC_BASE_URL: 'https://${site.properties.defaultHostName}'
    // The ingressHub trigger's connection "RINGMASTER_EVENTHUB" and the audit connection, by identity.
    // The bare names stay unset: a value there would be read as a connection string.
    RINGMASTER_EVENTHUB__fullyQualifiedNamespace: eventHubsNamespace
    RINGMASTER_EVENTHUB__credential: 'managedidentity'
    RINGMASTER_EVENTHUB__clientId: identityClientId
    RINGMASTER_EVENTHUB_NAME: ingressHubName
    RINGMASTER_AUDIT_EVENTHUB__fullyQualifiedNamespace: eventHubsNamespace
    RINGMASTER_AUDIT_EVENTHUB__credential: 'managedidentity'
    RINGMASTER_AUDIT_EVENTHUB__clientId: identityClientId
    RINGMASTER_AUDIT_EVENTHUB_NAME: auditHubName
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
