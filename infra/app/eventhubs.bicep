// The ingress hub (Event Grid system topics deliver AKS, ARN and Fleet events here; the ingressHub trigger
// reads it) and the audit hub (lifecycle CloudEvents). Local (SAS) auth is off: identities only.
param name string
param location string
param tags object
param ingressHubName string
param auditHubName string

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard', capacity: 1 }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource ingress 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: ingressHubName
  properties: { partitionCount: 2, messageRetentionInDays: 1 }
}

resource audit 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: auditHubName
  properties: { partitionCount: 2, messageRetentionInDays: 7 }
}

output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (per cloud); the SDKs want the bare host.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output ingressHubId string = ingress.id
output ingressHubName string = ingress.name
output auditHubId string = audit.id
output auditHubName string = audit.name
