/**
 * A safety-net scenario as plain data (issue 15): a fleet, a policy, releases, faults and what people do
 * (approvals, resumes, host kills), all placed in minutes after the clock's start. Plain JSON so the
 * shrinker can take it apart and a reproducer can be written to disk and read back; `render.ts` turns it
 * into the fleet file and policy file the app is given, `scenario.ts` draws one from a seed.
 */
export const CLOCK_START = "2026-10-19T00:00:00Z"; // a Monday, a week before Europe leaves summer time
export const WEEKDAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;
export type WeekDay = (typeof WEEKDAYS)[number];
export const WEEK_INDEXES = ["First", "Second", "Third", "Fourth", "Last"] as const;

export type Schedule =
  | { daily: { intervalDays: number } }
  | { weekly: { intervalWeeks: number; dayOfWeek: WeekDay } }
  | { absoluteMonthly: { intervalMonths: number; dayOfMonth: number } }
  | {
      relativeMonthly: {
        intervalMonths: number;
        weekIndex: (typeof WEEK_INDEXES)[number];
        dayOfWeek: WeekDay;
      };
    };

/** A window: AKS's shape (`utcOffset`) on clusters, the policy's (`timeZone` or `utcOffset`) on rings. */
export interface WindowSpec {
  readonly schedule: Schedule;
  readonly startTime: string;
  readonly durationHours: number;
  readonly utcOffset?: string;
  readonly timeZone?: string;
  readonly startDate?: string;
  readonly notAllowedDates?: readonly { start: string; end: string }[];
}

export interface PoolSpec {
  readonly name: string;
  readonly mode: "System" | "User";
  readonly count: number;
  readonly image: string;
}

export interface ClusterSpec {
  readonly name: string;
  readonly subscription: number;
  readonly region: string;
  readonly version: string;
  readonly ring: string;
  readonly pools: readonly PoolSpec[];
  readonly autoUpgradeWindow?: WindowSpec;
  readonly nodeOSWindow?: WindowSpec;
  readonly upgradeChannel?: string;
  readonly nodeOSUpgradeChannel?: string;
  readonly stopped?: boolean;
  /**
   * A Microsoft.Maintenance assignment to an AKS public configuration (`aks-mrp-cfg-weekday_utc8`): the
   * cluster's window when it has no AKS-native auto-upgrade window.
   */
  readonly assignment?: string;
}

export interface RingSpec {
  readonly name: string;
  readonly window?: WindowSpec;
  readonly soak: string;
  readonly failureBudget: number;
  readonly cap: number;
  readonly approval?: { readonly timeout: string; readonly onTimeout: "approve" | "reject" };
}

export interface FreezeSpec {
  readonly name: string;
  readonly timeZone: string;
  readonly start: string;
  readonly end: string;
}

export interface ReleaseSpec {
  readonly version: string;
  readonly regions: readonly string[];
  readonly atMinute: number;
}

/** A fault entry of the fleet file (src/simulator/fleet-schema.ts FaultSchema), as written there. */
export type FaultSpec = Readonly<Record<string, string | number>>;

export interface ActionSpec {
  readonly atMinute: number;
  /**
   * approve / reject: every active rollout's `ring` (the API's answer is recorded either way); resume: every
   * rollout halted at that minute (a person answering the halt email); kill: the host, kill -9.
   */
  readonly kind: "approve" | "reject" | "resume" | "kill";
  readonly ring?: string;
  /** kill: minutes the host stays down. */
  readonly downMinutes?: number;
}

/** An Azure Monitor alert on a cluster (the fleet file's `alerts`), for the `azureMonitorAlerts` gate. */
export interface AlertSpec {
  readonly cluster: string;
  readonly severity: "Sev0" | "Sev1" | "Sev2" | "Sev3" | "Sev4";
  readonly atMinute: number;
  readonly minutes: number;
}

/** The severities the policy's `azureMonitorAlerts` gate blocks on, when the scenario has that gate. */
export const GATE_SEVERITIES: readonly string[] = ["Sev0", "Sev1"];

export interface ScenarioSpec {
  readonly seed: number;
  readonly spanHours: number;
  readonly subscriptions: number;
  readonly clusters: readonly ClusterSpec[];
  readonly rings: readonly RingSpec[];
  readonly manageWindows: boolean;
  readonly versions: {
    readonly patch: "auto" | "approval";
    readonly minor: "auto" | "approval" | "never";
    readonly deny: readonly string[];
  };
  readonly freezes: readonly FreezeSpec[];
  readonly kubernetes: readonly ReleaseSpec[];
  readonly nodeImages: readonly ReleaseSpec[];
  readonly endOfSupport: readonly { minor: string; atMinute: number }[];
  readonly faults: readonly FaultSpec[];
  readonly actions: readonly ActionSpec[];
  readonly estimates: { readonly controlPlaneMinutes: number; readonly perNodeMinutes: number };
  readonly email: { readonly perMinute: number; readonly perHour: number };
  /** Whether the policy's gates include `azureMonitorAlerts` (GATE_SEVERITIES); absent in older reproducers. */
  readonly alertGate?: boolean;
  readonly alerts?: readonly AlertSpec[];
  /** The policy's `httpProbe` gate of PROBE_URL, and what the simulator answers it; absent: no such gate. */
  readonly probe?: { readonly status: number };
}

export const PROBE_URL = "https://health.safety.example/ready";
