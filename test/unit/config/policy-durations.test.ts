import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePolicy, parsePolicyYaml } from "../../../src/config/policy.js";
import { PolicyError } from "../../../src/config/errors.js";
import { effectiveRings } from "../../../src/domain/rings.js";

/** The smallest policy the schema accepts: everything else comes from its defaults. */
const minimal = (spec: Record<string, unknown> = {}) => ({
  apiVersion: "ringmaster/v1",
  kind: "RolloutPolicy",
  metadata: { name: "minimal" },
  spec: { rings: [{ name: "dev", selector: { names: ["*"] } }], ...spec },
});

const HOUR = 3_600_000;

describe("Policy durations: parsed once, by the schema", () => {
  it("gives every duration, written or defaulted, as { iso, ms }", () => {
    const p = parsePolicy(
      minimal({
        rings: [
          {
            name: "dev",
            selector: { names: ["*"] },
            soak: "P1DT12H",
            approval: {},
            gates: [{ azureMonitorAlerts: {} }, { httpProbe: { url: "http://127.0.0.1:1/health" } }],
          },
        ],
        notifications: { from: "ringmaster@example.com" },
      }),
    );
    const d = p.spec.defaults;
    expect(d.soak).toEqual({ iso: "PT24H", ms: 24 * HOUR });
    expect(d.slowPoll).toEqual({ iso: "PT5M", ms: 5 * 60_000 });
    expect(d.retries).toEqual({ attempts: 2, delay: { iso: "PT10M", ms: 10 * 60_000 } });
    expect(p.spec.versions.approval.timeout).toEqual({ iso: "P7D", ms: 7 * 24 * HOUR });
    expect(p.spec.notifications?.digest).toEqual({ iso: "PT30M", ms: 30 * 60_000 });
    const ring = p.spec.rings[0]!;
    expect(ring.soak).toEqual({ iso: "P1DT12H", ms: 36 * HOUR });
    expect(ring.approval?.timeout).toEqual({ iso: "PT48H", ms: 48 * HOUR });
    expect(ring.gates).toEqual([
      { azureMonitorAlerts: { severities: ["Sev0", "Sev1"], lookback: { iso: "PT2H", ms: 2 * HOUR } } },
      {
        httpProbe: {
          url: "http://127.0.0.1:1/health",
          expectStatus: 200,
          timeout: { iso: "PT10S", ms: 10_000 },
        },
      },
    ]);
    // What the workflows receive is the schema's number, not a second parse.
    expect(effectiveRings(p)[0]).toMatchObject({
      soakMs: 36 * HOUR,
      approval: { required: true, timeoutMs: 48 * HOUR },
      retries: { attempts: 2, delayMs: 10 * 60_000 },
    });
  });

  it("converts any weeks/days/hours/minutes/seconds duration to the same milliseconds", () => {
    fc.assert(
      fc.property(
        fc.record({
          w: fc.nat(3),
          d: fc.nat(6),
          h: fc.nat(23),
          m: fc.nat(59),
          s: fc.nat(59),
        }),
        ({ w, d, h, m, s }) => {
          const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
          const iso = `P${w ? `${w}W` : ""}${d ? `${d}D` : ""}${time ? `T${time}` : ""}`;
          fc.pre(iso !== "P");
          const soak = parsePolicy(minimal({ defaults: { soak: iso } })).spec.defaults.soak;
          expect(soak).toEqual({ iso, ms: ((((w * 7 + d) * 24 + h) * 60 + m) * 60 + s) * 1000 });
        },
      ),
    );
  });

  it("refuses months and years with the field's path and an example", () => {
    expect(() => parsePolicy(minimal({ defaults: { soak: "P1M" } }))).toThrow(
      'spec.defaults.soak: expected an ISO 8601 duration in weeks, days, hours, minutes or seconds, such as "PT24H"',
    );
  });

  it("fills a left-out block exactly as the block written empty (defaults declared once, on the fields)", () => {
    const omitted = parsePolicy(minimal());
    const empty = parsePolicy(
      minimal({
        versions: { approval: {} },
        estimates: {},
        defaults: { retries: {} },
      }),
    );
    expect(omitted.spec.versions).toEqual(empty.spec.versions);
    expect(omitted.spec.estimates).toEqual(empty.spec.estimates);
    expect(omitted.spec.defaults).toEqual(empty.spec.defaults);
    expect(omitted.spec.estimates).toEqual({ controlPlaneMinutes: 15, perNodeMinutes: 8 });
  });

  it("leaves ISO duration parsing to src/domain/durations.ts, called by the policy schema alone", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.startsWith(join("src", "simulator"))) {
          const text = readFileSync(path, "utf8");
          const allowed =
            path === join("src", "domain", "durations.ts") ||
            path === join("src", "domain", "policy-schema.ts");
          if (!allowed && /Duration\.fromISO|parseIsoDuration/.test(text)) offenders.push(path);
        }
      }
    };
    walk("src");
    expect(offenders).toEqual([]);
  });
});

describe("Policy nodeImage.schedule: NCRONTAB checked by croner", () => {
  const problems = (schedule: string): string[] => {
    try {
      parsePolicy(minimal({ nodeImage: { schedule } }));
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      return [...(error as PolicyError).problems];
    }
  };

  it("accepts six fields, seconds first", () => {
    expect(problems("0 0 5 * * Mon")).toEqual([]);
  });

  it("refuses five or seven fields and impossible values, naming the field and an example", () => {
    for (const schedule of ["0 5 * * Mon", "0 0 5 * * Mon 2027", "0 0 25 * * Mon"]) {
      const [line, ...rest] = problems(schedule);
      expect(rest).toEqual([]);
      expect(line).toMatch(
        new RegExp(
          `^spec\\.nodeImage\\.schedule: "${schedule.replace(/\*/g, "\\*")}" cannot be scheduled \\(.+\\); e\\.g\\. "0 0 5 \\* \\* Mon"$`,
        ),
      );
    }
  });
});

describe("Policy example: the README's example still loads", () => {
  it("examples/policy.yaml parses with durations in milliseconds", () => {
    const p = parsePolicyYaml(readFileSync("examples/policy.yaml", "utf8"));
    expect(p.spec.rings.map((r) => r.soak?.ms)).toEqual([24 * HOUR, 48 * HOUR, undefined]);
  });
});
