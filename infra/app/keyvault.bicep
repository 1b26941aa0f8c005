// The app's one secret: the key that signs the one-click links in emails (RINGMASTER_ACTION_LINK_KEY).
// The app reads it through a Key Vault reference with its user-assigned identity; the vault authorizes by
// Azure RBAC only (no access policies), and nothing here outputs the value: only the secret's URI leaves.
param name string
param location string
param tags object
@secure()
@minLength(32)
@description('The link-signing key (main.bicep: generated once per azd environment).')
param actionLinkKey string
@description('Irreversible once on; see main.bicep keyVaultPurgeProtection.')
param purgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API refuses an explicit false ("irreversible"): off is the property left out.
    enablePurgeProtection: purgeProtection ? true : null
    // Flex Consumption without a virtual network resolves references over the public endpoint; the
    // vault still answers only Entra tokens that RBAC allows.
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource linkKey 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'ringmaster-action-link-key'
  properties: {
    value: actionLinkKey
    contentType: 'HMAC-SHA256 key of the one-click action links (RINGMASTER_ACTION_LINK_KEY)'
    attributes: { enabled: true }
  }
}

output name string = vault.name
// Versionless, so the app follows a rotation (a new version) without a template change.
output linkKeyUri string = linkKey.properties.secretUri
