/**
 * The registry of checks, sorted by id. A check is added here and nowhere else; a test keeps this
 * list and the files under src/probes/<family>/ in step. The engine orders execution by `after`.
 */
import type { Probe } from "./types.js";
import { probe as accuracyBalanceSheet } from "./accuracy/balance-sheet.js";
import { probe as accuracyBasis } from "./accuracy/basis.js";
import { probe as accuracyCashFlow } from "./accuracy/cash-flow.js";
import { probe as accuracyEarnings } from "./accuracy/earnings.js";
import { probe as accuracyFilterIds } from "./accuracy/filter-ids.js";
import { probe as accuracyHierarchy } from "./accuracy/hierarchy.js";
import { probe as accuracyKnownAccounts } from "./accuracy/known-accounts.js";
import { probe as accuracyParentTotals } from "./accuracy/parent-totals.js";
import { probe as accuracyMetricFilters } from "./accuracy/metric-filters.js";
import { probe as accuracyMetricValues } from "./accuracy/metric-values.js";
import { probe as accuracyRanges } from "./accuracy/ranges.js";
import { probe as accuracyRowGrid } from "./accuracy/row-grid.js";
import { probe as accuracySegmentSplits } from "./accuracy/segment-splits.js";
import { probe as accuracySignConvention } from "./accuracy/sign-convention.js";
import { probe as accuracyStatementFilters } from "./accuracy/statement-filters.js";
import { probe as accuracyStatementTypes } from "./accuracy/statement-types.js";
import { probe as accuracyUniqueAccounts } from "./accuracy/unique-accounts.js";
import { probe as authAuthorize } from "./auth/authorize.js";
import { probe as authBearerChallenge } from "./auth/bearer-challenge.js";
import { probe as authCompanyScope } from "./auth/company-scope.js";
import { probe as authDiscovery } from "./auth/discovery.js";
import { probe as authInvalidToken } from "./auth/invalid-token.js";
import { probe as authNoToken } from "./auth/no-token.js";
import { probe as authSecretEcho } from "./auth/secret-echo.js";
import { probe as authTokenAccepted } from "./auth/token-accepted.js";
import { probe as authNearToken } from "./auth/near-token.js";
import { probe as authTokenInQuery } from "./auth/token-in-query.js";
import { probe as freshnessBalanceSheet } from "./freshness/balance-sheet.js";
import { probe as freshnessCacheHeaders } from "./freshness/cache-headers.js";
import { probe as freshnessDateHeader } from "./freshness/date-header.js";
import { probe as freshnessNonFinancial } from "./freshness/non-financial.js";
import { probe as freshnessProfitAndLoss } from "./freshness/profit-and-loss.js";
import { probe as inputsAccountingBasis } from "./inputs/accounting-basis.js";
import { probe as inputsDates } from "./inputs/dates.js";
import { probe as inputsPaging } from "./inputs/paging.js";
import { probe as inputsRequestBody } from "./inputs/request-body.js";
import { probe as inputsRequiredParameters } from "./inputs/required-parameters.js";
import { probe as inputsUnknownCompany } from "./inputs/unknown-company.js";
import { probe as oauthInvalidClient } from "./oauth/invalid-client.js";
import { probe as oauthInvalidGrant } from "./oauth/invalid-grant.js";
import { probe as oauthRefreshGrant } from "./oauth/refresh-grant.js";
import { probe as oauthUnsupportedGrant } from "./oauth/unsupported-grant.js";
import { probe as paginationDefaults } from "./pagination/defaults.js";
import { probe as paginationPastEnd } from "./pagination/past-end.js";
import { probe as paginationStableOrder } from "./pagination/stable-order.js";
import { probe as paginationWalk } from "./pagination/walk.js";
import { probe as reachabilityConnection } from "./reachability/connection.js";
import { probe as reachabilityPublicAddress } from "./reachability/public-address.js";
import { probe as reachabilityRedirects } from "./reachability/redirects.js";
import { probe as reliabilityLatency } from "./reliability/latency.js";
import { probe as reliabilityRehearsal } from "./reliability/rehearsal.js";
import { probe as reliabilityStability } from "./reliability/stability.js";
import { probe as schemaCompanyInfo } from "./schema/company-info.js";
import { probe as schemaNonFinancialFilters } from "./schema/non-financial-filters.js";
import { probe as schemaNonFinancial } from "./schema/non-financial.js";
import { probe as schemaReferenceLists } from "./schema/reference-lists.js";
import { probe as schemaStatementFilters } from "./schema/statement-filters.js";
import { probe as schemaStatements } from "./schema/statements.js";
import { probe as schemaStructureStable } from "./schema/structure-stable.js";
import { probe as schemaUserInfo } from "./schema/user-info.js";
import { probe as tlsCertificate } from "./tls/certificate.js";
import { probe as tlsHttps } from "./tls/https.js";
import { probe as tlsLegacyVersions } from "./tls/legacy-versions.js";
import { probe as tlsProtocol } from "./tls/protocol.js";

export const probes: readonly Probe[] = [
  accuracyBalanceSheet,
  accuracyBasis,
  accuracyCashFlow,
  accuracyEarnings,
  accuracyFilterIds,
  accuracyHierarchy,
  accuracyKnownAccounts,
  accuracyMetricFilters,
  accuracyMetricValues,
  accuracyParentTotals,
  accuracyRanges,
  accuracyRowGrid,
  accuracySegmentSplits,
  accuracySignConvention,
  accuracyStatementFilters,
  accuracyStatementTypes,
  accuracyUniqueAccounts,
  authAuthorize,
  authBearerChallenge,
  authCompanyScope,
  authDiscovery,
  authInvalidToken,
  authNearToken,
  authNoToken,
  authSecretEcho,
  authTokenAccepted,
  authTokenInQuery,
  freshnessBalanceSheet,
  freshnessCacheHeaders,
  freshnessDateHeader,
  freshnessNonFinancial,
  freshnessProfitAndLoss,
  inputsAccountingBasis,
  inputsDates,
  inputsPaging,
  inputsRequestBody,
  inputsRequiredParameters,
  inputsUnknownCompany,
  oauthInvalidClient,
  oauthInvalidGrant,
  oauthRefreshGrant,
  oauthUnsupportedGrant,
  paginationDefaults,
  paginationPastEnd,
  paginationStableOrder,
  paginationWalk,
  reachabilityConnection,
  reachabilityPublicAddress,
  reachabilityRedirects,
  reliabilityLatency,
  reliabilityRehearsal,
  reliabilityStability,
  schemaCompanyInfo,
  schemaNonFinancial,
  schemaNonFinancialFilters,
  schemaReferenceLists,
  schemaStatementFilters,
  schemaStatements,
  schemaStructureStable,
  schemaUserInfo,
  tlsCertificate,
  tlsHttps,
  tlsLegacyVersions,
  tlsProtocol,
];

export const families = ["reachability", "tls", "auth", "oauth", "schema", "inputs", "pagination", "accuracy", "freshness", "reliability"] as const;
