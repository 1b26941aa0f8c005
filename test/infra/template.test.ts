import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SettingsError } from "../../src/config/errors.js";
import { readAppConfig } from "../../src/devhost/app-config.js";
import { parseSettings } from "../../src/config/settings.js";
import {
  allTemplates,
  compiledTemplate,
  INFRA,
  moduleNamed,
  moduleOutputOf,
  ofType,
  type ArmTemplate,
  type Compiled,
} from "./compiled-template.js";

let compiled: Compiled | Error;
beforeAll(() => {
  try {
    compiled = compiledTemplate();
  } catch (error) {
    compiled = error instanceof Error ? error : new Error(String(error));
  }
}, 180_000);

/** The compiled main template; a failed build fails the test; no dotnet skips it and says why. */
function main(): ArmTemplate {
  if (compiled instanceof Error) throw new Error(`infra/build.sh failed: ${compiled.message}`);
  if (compiled.skipReason !== undefined) throw new Error(compiled.skipReason);
  return compiled.main;
}

function compiledText(): string {
  return compiled instanceof Error || compiled.skipReason !== undefined ? "" : compiled.text;
}

function appSettings(template: ArmTemplate): Record<string, unknown> {
  const configs = ofType(template, "Microsoft.Web/sites/config").filter((d) =>
    d.resource.name.includes("'appsettings'"),
  );
  expect(configs).toHaveLength(1);
  return configs[0]!.resource.properties!;
}

const isExpression = (v: unknown) => typeof v === "string" && v.startsWith("[") && !v.startsWith("[[");

/** Settings the schema cannot default in azure mode: parse an env with only the mode and read what is missing. */
function requiredInAzureMode(): string[] {
  try {
    parseSettings({ RINGMASTER_MODE: "azure" });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return error.problems.filter((p) => p.endsWith("(it is not set)")).map((p) => p.split(":")[0]!);
  }
  return [];
}

describe("Template: infra/main.bicep compiled by the Bicep CLI", () => {
  describe("Settings: the function app's app settings", () => {
    it("sets every setting the Settings schema requires in azure mode", () => {
      // Prepare
      const required = requiredInAzureMode();
      const settings = appSettings(main());
      // Assess: the schema's own list, so a new required setting fails here until the template sets it
      expect(required).toContain("RINGMASTER_ACS_ENDPOINT");
      expect(required.filter((name) => !(name in settings))).toEqual([]);
      expect(settings.RINGMASTER_MODE).toBe("azure");
    });

    it("sets literal values the schema accepts in azure mode", () => {
      // Prepare: values only Azure knows (endpoints, ids) are expressions; keep the literals
      const settings = appSettings(main());
      const literals = Object.fromEntries(
        Object.entries(settings).filter(([, v]) => typeof v === "string" && !isExpression(v)),
      ) as Record<string, string>;
      const azureOnly = {
        RINGMASTER_POLICY_FILE: "examples/policy.yaml",
        RINGMASTER_SUBSCRIPTION_IDS: "11111111-1111-1111-1111-111111111111",
        RINGMASTER_ACS_ENDPOINT: "https://acs.europe.communication.azure.com",
      };
      // Act
      const parsed = parseSettings({ ...azureOnly, ...literals });
      // Assess
      expect(parsed.RINGMASTER_MODE).toBe("azure");
      expect(parsed.RINGMASTER_LRO_POLL_SECONDS).toBeGreaterThanOrEqual(30);
    });

    it("connects to storage and both Event Hubs by identity, never by a connection string", () => {
      const settings = appSettings(main());
      for (const connection of ["AzureWebJobsStorage", "RINGMASTER_EVENTHUB", "RINGMASTER_AUDIT_EVENTHUB"]) {
        // A bare value would be read as a connection string (with a key) instead of the identity settings.
        expect(settings).not.toHaveProperty(connection);
        expect(settings[`${connection}__credential`]).toBe("managedidentity");
        expect(isExpression(settings[`${connection}__clientId`])).toBe(true);
      }
      for (const service of ["blob", "queue", "table"])
        expect(settings).toHaveProperty(`AzureWebJobsStorage__${service}ServiceUri`);
      expect(settings).toHaveProperty("RINGMASTER_EVENTHUB__fullyQualifiedNamespace");
      expect(settings).toHaveProperty("RINGMASTER_AUDIT_EVENTHUB__fullyQualifiedNamespace");
      expect(String(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING)).toContain("Authorization=AAD");
      expect(String(settings.DURABLE_TASK_SCHEDULER_CONNECTION_STRING)).toContain(
        "Authentication=ManagedIdentity",
      );
    });

    it("chooses the Durable backend with a host.json override whose path exists in host.json", () => {
      // Prepare
      const template = main();
      const settings = appSettings(template);
      const host = JSON.parse(readFileSync(join(INFRA, "../host.json"), "utf8")) as Record<string, unknown>;
      const override = Object.keys(settings).filter((k) => k.startsWith("AzureFunctionsJobHost__"));
      // Assess: each override names a host.json path (a rename there must fail here)
      expect(override).toContain("AzureFunctionsJobHost__extensions__durableTask__storageProvider__type");
      for (const key of override) {
        const path = key.split("__").slice(1);
        const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], host);
        expect(parent, `${key}: host.json has no ${path.slice(0, -1).join(".")}`).toBeTypeOf("object");
      }
      expect(template.parameters?.durableBackend?.defaultValue).toBe("DurableTaskScheduler");
      expect(String(settings.AzureFunctionsJobHost__extensions__durableTask__storageProvider__type)).toMatch(
        /'azureManaged'.*'AzureStorage'/,
      );
    });
  });

  describe("host.json: one file for Azure and the local host", () => {
    it("names the Azure Storage provider and still loads in the local host", () => {
      // No compiler needed: this guards the file the template's overrides point into.
      const config = readAppConfig(join(INFRA, ".."));
      expect(config.hostJson.extensions?.durableTask).toMatchObject({
        hubName: "%TASKHUB_NAME%",
        storageProvider: { type: "AzureStorage" },
      });
    });
  });

  describe("Secrets: keys appear nowhere", () => {
    it("has no storage key, keyed connection string, SAS or ACS access key in any template or script", () => {
      // Prepare: compiled JSON plus the sources azd reads
      main();
      const text = [
        compiledText(),
        readFileSync(join(INFRA, "hooks/postdeploy.sh"), "utf8"),
        readFileSync(join(INFRA, "main.parameters.json"), "utf8"),
        readFileSync(join(INFRA, "../azure.yaml"), "utf8"),
      ].join("\n");
      // Assess
      for (const secret of [
        /AccountKey=/i,
        /SharedAccessKey/i,
        /SharedAccessSignature/i,
        /listKeys\(/i,
        /listConnectionStrings\(/i,
        /listAccountSas\(/i,
        /accesskey=/i,
        /primaryKey/i,
        /secondaryKey/i,
      ])
        expect(text, `found ${secret}`).not.toMatch(secret);
    });

    it("turns shared-key and local auth off on storage, Application Insights, Log Analytics and Event Hubs", () => {
      const template = main();
      const props = (type: string) => ofType(template, type).map((d) => d.resource.properties ?? {});
      expect(props("Microsoft.Storage/storageAccounts").map((p) => p.allowSharedKeyAccess)).toEqual([false]);
      expect(props("Microsoft.Insights/components").map((p) => p.DisableLocalAuth)).toEqual([true]);
      expect(props("Microsoft.EventHub/namespaces").map((p) => p.disableLocalAuth)).toEqual([true]);
      expect(
        props("Microsoft.OperationalInsights/workspaces").map(
          (p) => (p.features as { disableLocalAuth?: boolean }).disableLocalAuth,
        ),
      ).toEqual([true]);
      // Basic-auth publishing (FTP and SCM) is off as well: azd deploys with Entra.
      expect(props("Microsoft.Web/sites/basicPublishingCredentialsPolicies").map((p) => p.allow)).toEqual([
        false,
        false,
      ]);
    });
  });

  describe("Key Vault: the link-signing key (RINGMASTER_ACTION_LINK_KEY)", () => {
    it("sets the key as a Key Vault reference to the vault secret's versionless URI", () => {
      // Prepare
      const template = main();
      const settings = appSettings(template);
      const api = moduleNamed(template, "api");
      const vault = moduleNamed(template, "keyvault");
      // Assess: the setting is the reference, never a value
      expect(settings.RINGMASTER_ACTION_LINK_KEY).toBe(
        "[format('@Microsoft.KeyVault(SecretUri={0})', parameters('actionLinkKeyUri'))]",
      );
      // …to the secret the vault module declares, without a version, so a rotation is followed
      expect(moduleOutputOf(api.parameters.actionLinkKeyUri)).toEqual({
        module: "keyvault",
        output: "linkKeyUri",
      });
      const uri = (vault.template as { outputs?: Record<string, { value: string }> }).outputs?.linkKeyUri
        ?.value;
      expect(uri).toMatch(
        /^\[reference\(resourceId\('Microsoft\.KeyVault\/vaults\/secrets', .*\)\.secretUri\]$/,
      );
      expect(ofType(vault.template, "Microsoft.KeyVault/vaults/secrets").map((d) => d.resource.name)).toEqual(
        ["[format('{0}/{1}', parameters('name'), 'ringmaster-action-link-key')]"],
      );
    });

    it("resolves Key Vault references with the app's user-assigned identity", () => {
      const template = main();
      const site = ofType(template, "Microsoft.Web/sites")[0]!.resource as unknown as {
        identity: { userAssignedIdentities: Record<string, unknown> };
        properties: { keyVaultReferenceIdentity?: string };
      };
      // The default is the system identity, which the app does not have: every reference would fail.
      expect(site.properties.keyVaultReferenceIdentity).toBe("[parameters('identityId')]");
      expect(Object.keys(site.identity.userAssignedIdentities)).toEqual([
        "[format('{0}', parameters('identityId'))]",
      ]);
      expect(moduleOutputOf(moduleNamed(template, "api").parameters.identityId)).toEqual({
        module: "identity",
        output: "id",
      });
    });

    it("authorizes by RBAC only, with soft delete, and purge protection as a parameter that is never false", () => {
      const template = main();
      const vaults = ofType(template, "Microsoft.KeyVault/vaults");
      expect(vaults).toHaveLength(1);
      const props = vaults[0]!.resource.properties!;
      expect(props).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true });
      expect(props).not.toHaveProperty("accessPolicies");
      // The API refuses an explicit false: purge protection is true or absent (null).
      expect(props.enablePurgeProtection).toBe("[if(parameters('purgeProtection'), true(), null())]");
      expect(moduleNamed(template, "keyvault").parameters.purgeProtection).toBe(
        "[parameters('keyVaultPurgeProtection')]",
      );
      expect(template.parameters?.keyVaultPurgeProtection?.defaultValue).toBe(false);
    });

    it("takes the key from a secure parameter azd generates, found in no parameters file, setting or output", () => {
      // Prepare
      const template = main();
      const param = template.parameters?.actionLinkKey as
        | {
            type: string;
            defaultValue?: unknown;
            minLength?: number;
            metadata?: { azd?: { type?: string; config?: { length?: number } } };
          }
        | undefined;
      const parametersFile = readFileSync(join(INFRA, "main.parameters.json"), "utf8");
      // Assess: secure, generated once per environment (no default: a default would stop azd generating it)
      expect(param?.type).toBe("securestring");
      expect(param).not.toHaveProperty("defaultValue");
      expect(param?.minLength).toBeGreaterThanOrEqual(32);
      expect(param?.metadata?.azd?.type).toBe("generate");
      expect(param?.metadata?.azd?.config?.length).toBeGreaterThanOrEqual(32);
      expect(parametersFile).not.toMatch(/actionLinkKey/i);
      // It flows only into the vault's secret: one module parameter, one secret value
      const passedOn = ofType(template, "Microsoft.Resources/deployments").filter((d) =>
        JSON.stringify(d.resource.properties?.parameters ?? {}).includes("parameters('actionLinkKey')"),
      );
      expect(passedOn.map((d) => d.resource.name)).toEqual(["keyvault"]);
      const vault = moduleNamed(template, "keyvault").template;
      expect(vault.parameters?.actionLinkKey).toMatchObject({ type: "securestring" });
      expect(ofType(vault, "Microsoft.KeyVault/vaults/secrets")[0]!.resource.properties!.value).toBe(
        "[parameters('actionLinkKey')]",
      );
      // No output anywhere carries it or reads a secret back
      for (const t of allTemplates(template)) {
        const outputs = JSON.stringify((t as { outputs?: unknown }).outputs ?? {});
        expect(outputs).not.toMatch(
          /actionLinkKey'\)|listSecrets|getSecret|vaults\/secrets'[^\]]*\)\.value\b/,
        );
      }
    });
  });

  describe("Resources: the azd template shape", () => {
    it("runs on Flex Consumption (FC1), Node 22, as a user-assigned identity", () => {
      const template = main();
      const plan = ofType(template, "Microsoft.Web/serverfarms")[0]!.resource as unknown as {
        sku: { name: string; tier: string };
      };
      expect(plan.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
      const site = ofType(template, "Microsoft.Web/sites")[0]!.resource as unknown as {
        identity: { type: string };
        properties: { functionAppConfig: { runtime: unknown; deployment: { storage: unknown } } };
      };
      expect(site.identity.type).toBe("UserAssigned");
      expect(site.properties.functionAppConfig.runtime).toEqual({ name: "node", version: "22" });
      expect(site.properties.functionAppConfig.deployment.storage).toMatchObject({
        authentication: { type: "UserAssignedIdentity" },
      });
    });

    it("declares the scheduler and task hub, both Event Hubs, email with a managed domain, and the three topic types", () => {
      const template = main();
      for (const type of [
        "Microsoft.DurableTask/schedulers",
        "Microsoft.DurableTask/schedulers/taskHubs",
        "Microsoft.Communication/communicationServices",
        "Microsoft.Communication/emailServices/domains",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
      ])
        expect(ofType(template, type), type).toHaveLength(1);
      expect(ofType(template, "Microsoft.EventHub/namespaces/eventhubs")).toHaveLength(2);
      expect(
        ofType(template, "Microsoft.Communication/emailServices/domains")[0]!.resource.properties,
      ).toMatchObject({ domainManagement: "AzureManaged" });
      const topicTypes = ofType(template, "Microsoft.Resources/deployments")
        .map(
          (d) =>
            (d.resource.properties?.parameters as { topicType?: { value: string } } | undefined)?.topicType,
        )
        .filter((t) => t !== undefined)
        .map((t) => t.value)
        .sort();
      expect(topicTypes).toEqual([
        "Microsoft.ContainerService.ManagedClusters",
        "Microsoft.ResourceNotifications.AKSResources",
        "Microsoft.ResourceNotifications.ContainerServiceEventResources",
      ]);
    });
  });
});
