// The Durable Task Scheduler: the default Durable Functions backend (managed, no storage polling).
param name string
param taskHubName string
param location string
param tags object
@allowed(['Consumption', 'Dedicated'])
param skuName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // The app reaches the scheduler from Flex Consumption's shared outbound addresses; identity guards it.
    ipAllowlist: ['0.0.0.0/0']
    sku: { name: skuName }
  }
}

resource hub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = hub.name
