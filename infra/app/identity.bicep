// The app's user-assigned identity: one principal for storage, telemetry, Event Hubs, the scheduler,
// email and ARM, created before the app so role assignments never wait for the site.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
