import { z } from "zod";
import { parseClusterId } from "../../domain/cluster-ref.js";
import { parseMoney } from "../currency.js";
import { EventKind } from "../domain-event.js";
import { describeIssues, instant, optional } from "../field-schemas.js";
import type { Built } from "../schemas/aks.js";

/**
 * Azure Monitor common alert schema. Budget alerts come through it with `monitoringService: "CostAlerts"`;
 * every other alert becomes a `MonitorAlert`. Budget alerts set `alertRule`, `severity` and
 * `monitorCondition` to null, so none of them is required.
 * @see https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 */
const text = z.string().nullish();

const EssentialsSchema = z.object(
  {
    alertId: z.string({ error: "missing; expected the alert id" }).min(1),
    alertRule: text,
    severity: text,
    signalType: text,
    monitorCondition: text,
    monitoringService: text,
    alertTargetIDs: z.array(z.string()).nullish(),
    firedDateTime: instant,
    resolvedDateTime: text,
    description: text,
  },
  { error: "missing; expected the alert essentials object" },
);

const BudgetDataSchema = z
  .object({
    Scope: text,
    ThresholdType: text,
    BudgetType: text,
    BudgetThreshold: z.union([z.string(), z.number()]).nullish(),
    NotificationThresholdAmount: z.union([z.string(), z.number()]).nullish(),
    BudgetName: z.string({ error: "missing; expected the budget name" }),
    BudgetId: text,
    Unit: text,
    SpentAmount: z.union([z.string(), z.number()]).nullish(),
    ForecastedTotalForPeriod: z.union([z.string(), z.number()]).nullish(),
  })
  .loose();

export const CommonAlertSchema = z.object({
  schemaId: z.literal("azureMonitorCommonAlertSchema"),
  data: z.object(
    { essentials: EssentialsSchema, alertContext: z.record(z.string(), z.unknown()).nullish() },
    { error: "missing; expected { essentials, alertContext }" },
  ),
});

/** The flat payload a budget sends when the action group does not use the common alert schema. */
export const LegacyBudgetSchema = z.object({
  schemaId: z.literal("AIP Budget Notification"),
  data: z
    .object(
      {
        SubscriptionName: text,
        SubscriptionId: text,
        ResourceGroup: text,
        SpendingAmount: z.union([z.string(), z.number()]).nullish(),
        Budget: z.union([z.string(), z.number()]).nullish(),
        NotificationThresholdAmount: z.union([z.string(), z.number()]).nullish(),
        BudgetName: z.string({ error: "missing; expected the budget name" }).min(1),
        BudgetType: text,
        Unit: text,
        BudgetStartDate: text,
      },
      { error: "missing; expected the budget notification fields" },
    )
    .loose(),
});

export const COMMON_ALERT_SCHEMA_ID = "azureMonitorCommonAlertSchema";
export const LEGACY_BUDGET_SCHEMA_ID = "AIP Budget Notification";

export function buildCommonAlert(value: Record<string, unknown>): Built {
  const parsed = CommonAlertSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  const { essentials, alertContext } = parsed.data.data;
  const time = essentials.firedDateTime;

  if (essentials.monitoringService === "CostAlerts") {
    const budget = BudgetDataSchema.safeParse(
      (alertContext as { AlertData?: unknown } | null | undefined)?.AlertData,
    );
    if (!budget.success) {
      return { ok: false, reason: describeIssues(budget.error.issues, "data.alertContext.AlertData") };
    }
    const d = budget.data;
    const unit = d.Unit ?? undefined;
    const spent = parseMoney(d.SpentAmount, unit);
    return {
      ok: true,
      event: {
        kind: EventKind.BudgetAlert,
        key: `BudgetAlert:${essentials.alertId}:${time}`.toLowerCase(),
        time,
        schema: "CommonAlertSchema",
        budgetName: d.BudgetName,
        ...optional("budgetId", d.BudgetId),
        ...optional("scope", d.Scope),
        ...optional("subscriptionId", subscriptionOf(d.Scope ?? d.BudgetId ?? essentials.alertId)),
        ...optional("thresholdType", d.ThresholdType),
        ...optional("budgetType", d.BudgetType),
        ...optional("currency", spent?.currency ?? unit),
        ...optional("spentAmount", spent?.amount),
        ...optional("budgetAmount", parseMoney(d.BudgetThreshold, unit)?.amount),
        ...optional("notificationThresholdAmount", parseMoney(d.NotificationThresholdAmount, unit)?.amount),
        ...optional("forecastedTotal", parseMoney(d.ForecastedTotalForPeriod, unit)?.amount),
        ...optional("description", essentials.description),
      },
    };
  }

  const targetIds = essentials.alertTargetIDs ?? [];
  const clusterIds = targetIds.map((id) => parseClusterId(id)?.id).filter((id): id is string => !!id);
  return {
    ok: true,
    event: {
      kind: EventKind.MonitorAlert,
      // Fired and Resolved notifications share the alert id; the condition tells them apart.
      key: `MonitorAlert:${essentials.alertId}:${essentials.monitorCondition ?? "Fired"}:${time}`.toLowerCase(),
      time,
      alertId: essentials.alertId,
      ...optional("alertRule", essentials.alertRule),
      ...optional("severity", essentials.severity),
      ...optional("monitorCondition", essentials.monitorCondition),
      ...optional("monitoringService", essentials.monitoringService),
      ...optional("signalType", essentials.signalType),
      targetIds,
      clusterIds,
      ...optional("description", essentials.description),
    },
  };
}

/**
 * The legacy payload has no id and no time. Its key is built from what makes the notification news (budget,
 * period, threshold), so redeliveries share it; its time is when Ringmaster received it.
 */
export function buildLegacyBudget(value: Record<string, unknown>, receivedAt: string): Built {
  const parsed = LegacyBudgetSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  const d = parsed.data.data;
  const unit = d.Unit ?? undefined;
  const spent = parseMoney(d.SpendingAmount, unit);
  const threshold = parseMoney(d.NotificationThresholdAmount, unit)?.amount;
  return {
    ok: true,
    event: {
      kind: EventKind.BudgetAlert,
      key: `BudgetAlert:${d.SubscriptionId ?? ""}:${d.BudgetName}:${d.BudgetStartDate ?? ""}:${threshold ?? ""}`.toLowerCase(),
      time: receivedAt,
      schema: "LegacyBudget",
      budgetName: d.BudgetName,
      ...optional("subscriptionId", d.SubscriptionId || undefined),
      ...optional("resourceGroup", d.ResourceGroup || undefined),
      ...optional("budgetType", d.BudgetType),
      ...optional("currency", spent?.currency ?? unit),
      ...optional("spentAmount", spent?.amount),
      ...optional("budgetAmount", parseMoney(d.Budget, unit)?.amount),
      ...optional("notificationThresholdAmount", threshold),
    },
  };
}

function subscriptionOf(id: string): string | undefined {
  return /\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}
