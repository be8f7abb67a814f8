/**
 * The registry of checks, sorted by id. A check is added here and nowhere else; a test keeps this
 * list and the files under src/probes/<family>/ in step. The engine orders execution by `after`.
 */
import type { Probe } from "./types.js";
import { probe as authDiscovery } from "./auth/discovery.js";
import { probe as authInvalidToken } from "./auth/invalid-token.js";
import { probe as authNoToken } from "./auth/no-token.js";
import { probe as authTokenAccepted } from "./auth/token-accepted.js";
import { probe as freshnessBalanceSheet } from "./freshness/balance-sheet.js";
import { probe as freshnessCacheHeaders } from "./freshness/cache-headers.js";
import { probe as freshnessNonFinancial } from "./freshness/non-financial.js";
import { probe as freshnessProfitAndLoss } from "./freshness/profit-and-loss.js";
import { probe as reachabilityConnection } from "./reachability/connection.js";
import { probe as reliabilityLatency } from "./reliability/latency.js";
import { probe as schemaCompanyInfo } from "./schema/company-info.js";
import { probe as schemaNonFinancial } from "./schema/non-financial.js";
import { probe as schemaReferenceLists } from "./schema/reference-lists.js";
import { probe as schemaStatements } from "./schema/statements.js";
import { probe as schemaUserInfo } from "./schema/user-info.js";

export const probes: readonly Probe[] = [
  authDiscovery,
  authInvalidToken,
  authNoToken,
  authTokenAccepted,
  freshnessBalanceSheet,
  freshnessCacheHeaders,
  freshnessNonFinancial,
  freshnessProfitAndLoss,
  reachabilityConnection,
  reliabilityLatency,
  schemaCompanyInfo,
  schemaNonFinancial,
  schemaReferenceLists,
  schemaStatements,
  schemaUserInfo,
];

export const families = ["reachability", "auth", "schema", "freshness", "reliability"] as const;
