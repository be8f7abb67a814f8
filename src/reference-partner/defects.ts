/**
 * Defect switches: each turns the reference partner into a specific broken partner so that every
 * probe can be shown to catch what it claims to. A switch changes only what its description says;
 * the code that applies it is marked `// defect: <id>` so each one can be found by its id.
 */

export interface DefectInfo {
  id: string;
  family: string;
  description: string;
}

const DEFECTS: readonly DefectInfo[] = [
  { id: "refuse-connections", family: "reachability", description: "Every request's connection is dropped without an answer." },

  { id: "auth-not-enforced", family: "auth", description: "The budgets list answers with data without a valid token." },
  { id: "html-401", family: "auth", description: "401 answers are an HTML page served as text/html." },
  { id: "ok-on-error", family: "auth", description: "Error answers in the Reach envelope are sent with status 200." },
  { id: "no-www-authenticate", family: "auth", description: "401 answers carry no WWW-Authenticate header." },
  { id: "token-in-query", family: "auth", description: "An access token in the ?access_token= query parameter is accepted." },
  { id: "tokens-not-scoped", family: "auth", description: "A valid token gets data for any company, not only the companies it was issued for." },
  {
    id: "basic-auth-bypass",
    family: "auth",
    description: "Company operations check only Bearer credentials: any other Authorization scheme (e.g. Basic with a made-up password) reads every company.",
  },
  { id: "invalid-token-403", family: "auth", description: "A wrong or expired token gets 403 without WWW-Authenticate instead of 401." },
  { id: "data-401-no-challenge", family: "auth", description: "401 answers of company operations carry no WWW-Authenticate header (user-info's keep theirs)." },
  {
    id: "data-401-basic-challenge",
    family: "auth",
    description: "401 answers of company operations carry WWW-Authenticate: Basic realm=\"reach\" instead of a Bearer challenge (user-info's keep theirs).",
  },
  { id: "error-code-without-token", family: "auth", description: "The 401 to a request without a token carries error=\"invalid_token\" in its challenge." },
  { id: "html-403-scope", family: "auth", description: "The 403 for a company the token was not issued for is an HTML page served as text/html." },
  {
    id: "user-info-all-companies",
    family: "auth",
    description: "user-info lists every company, whatever the token was issued for (what the token can read is unchanged).",
  },
  { id: "authorize-missing", family: "auth", description: "GET /oauth2/authorize answers 404: the authorization endpoint is not there." },
  {
    id: "authorize-open-redirect",
    family: "auth",
    description: "GET /oauth2/authorize sends an unknown client_id on to the redirect_uri it names (302 with error=unauthorized_client) instead of showing an error.",
  },
  { id: "refresh-broken", family: "auth", description: "The refresh_token grant answers 500." },
  { id: "refresh-fewer-companies", family: "auth", description: "The refresh_token grant issues access tokens for the first company only." },
  { id: "client-secret-optional", family: "auth", description: "The token endpoint accepts an empty or missing client_secret." },
  { id: "any-client-id", family: "auth", description: "The token endpoint accepts any client_id (or none) with the right client_secret." },
  { id: "token-cacheable", family: "auth", description: "Token responses carry no Cache-Control: no-store (and no Pragma)." },
  { id: "unknown-grant-500", family: "auth", description: "An unsupported grant_type answers 500 instead of 400 unsupported_grant_type." },
  {
    id: "discovery-wrong-token-endpoint",
    family: "auth",
    description: "The discovery document's token_endpoint names /oauth/token, a path the partner does not serve.",
  },
  {
    id: "redirect-other-host",
    family: "auth",
    description:
      "Every data request answers 307 to the same path on http://localhost:<port> (same server, another host name); requests already addressed to localhost are served.",
  },

  { id: "wrong-type", family: "schema", description: "Company info's FiscalMonthEnd is a string (\"12\") instead of an integer." },
  { id: "missing-field", family: "schema", description: "Chart-of-accounts items lack the Name field." },
  { id: "data-null", family: "schema", description: "The departments list answers Data: null." },
  { id: "unknown-field", family: "schema", description: "Company info carries an extra Region field." },
  {
    id: "company-mixup",
    family: "schema",
    description: "Company info of every company but the first answers the first company's record (CompanyId and CompanyName of another company).",
  },
  { id: "html-errors", family: "schema", description: "400 and 404 answers are HTML pages served as text/html." },
  { id: "text-content-type", family: "schema", description: "JSON bodies are served as text/plain." },
  { id: "bad-error-envelope", family: "schema", description: "Errors are sent as {\"message\": ...} instead of the errors[] envelope." },
  { id: "wrong-period-format", family: "schema", description: "Statement rows carry Period as \"2025-1\" (month not zero-padded)." },

  { id: "lying-total", family: "pagination", description: "Pagination.total is larger than the number of records." },
  { id: "page-total", family: "pagination", description: "Pagination.total counts the records on the page, not the whole list: a walk with a small limit stops after its first page." },
  { id: "repeated-page", family: "pagination", description: "offset is ignored: every page is the first page." },
  {
    id: "page-skip",
    family: "pagination",
    description:
      "A page asked with an offset above 0 starts one record late (offset + 1), while Pagination echoes the offset asked and counts the whole list: a walk loses the record at a page boundary.",
  },
  { id: "unstable-order", family: "pagination", description: "List order depends on the page size (limit)." },
  { id: "ignore-limit", family: "pagination", description: "limit is ignored: pages always hold up to 100 records." },
  { id: "past-end-error", family: "pagination", description: "An offset at or past the end of a list answers 404 instead of 200 with Data: []." },
  { id: "echo-offset-zero", family: "pagination", description: "Pagination.offset is always 0, whatever offset was asked (the pages themselves are right)." },
  { id: "echo-limit-default", family: "pagination", description: "Pagination.limit is always 100, whatever limit was asked (the pages themselves are right)." },
  {
    id: "short-pages",
    family: "pagination",
    description:
      "Pages hold at most 20 records whatever limit was asked, while Pagination.limit echoes the limit asked and Pagination.total counts the whole list (the spec's wording allows it: reach-check notes it as info, since a client that stops at a short page misses records).",
  },
  {
    id: "cap-limit",
    family: "pagination",
    description: "A limit above 20 is silently lowered to 20: pages hold at most 20 records and Pagination.limit says 20, while Pagination.total counts the whole list.",
  },

  { id: "accept-bad-dates", family: "negative-inputs", description: "Malformed StartDate/EndDate values are answered 200 (with no rows)." },
  { id: "unknown-company-500", family: "negative-inputs", description: "An unknown CompanyId answers 500 instead of 404." },
  { id: "accept-bad-limit", family: "negative-inputs", description: "limit outside 1..1000 (e.g. 0 or 1001) is answered 200, clamped into range." },
  {
    id: "accept-impossible-day",
    family: "negative-inputs",
    description: "A StartDate/EndDate day past the end of its month (up to 31) rolls into the next month (2025-02-30 is 2 March) instead of 400.",
  },
  {
    id: "non-numeric-paging-default",
    family: "negative-inputs",
    description: "A limit or offset that is not a number (limit=abc) falls back to the default instead of 400.",
  },
  {
    id: "default-required-parameters",
    family: "negative-inputs",
    description: "A statement request without StartDate/EndDate covers the twelve months up to the clock's month, without AccountingBasis it is accrual, instead of 400.",
  },
  {
    id: "lookalike-company-500",
    family: "negative-inputs",
    description: "An unknown CompanyId as long as a real one answers 500 (other unknown ids still 404).",
  },

  {
    id: "stale-data",
    family: "freshness",
    description: "The ledger and metrics stop three months before the clock's month: later months are 0 or absent.",
  },
  { id: "stale-cache", family: "freshness", description: "Data responses carry cache-control: max-age=604800 and age: 172800." },
  {
    id: "expires-header",
    family: "freshness",
    description: "Data responses carry no Cache-Control but an Expires header three days after their Date: a cache may reuse them for three days.",
  },
  { id: "clock-skew", family: "freshness", description: "The Date header is 10 minutes behind." },
  {
    id: "balance-sheet-gap",
    family: "freshness",
    description: "The balance sheet has no rows for the month before the clock's month; the clock's own month is there.",
  },

  { id: "unbalanced-balance-sheet", family: "accuracy", description: "One ASSET balance is off by 1234.56 in the latest two ledger months." },
  { id: "unknown-account-row", family: "accuracy", description: "Profit and loss carries rows for an AccountId that is not in the chart of accounts." },
  { id: "income-on-balance-sheet", family: "accuracy", description: "The balance sheet carries rows for a REVENUE account." },
  { id: "cash-flow-balances", family: "accuracy", description: "The cash flow sends each account's month-end balance instead of the month's movement." },
  { id: "balance-sheet-negated", family: "accuracy", description: "Every balance-sheet amount has the opposite sign (assets negative): the balance sheet still balances." },
  { id: "duplicate-account", family: "accuracy", description: "One account is listed twice in the chart of accounts." },
  { id: "expenses-negative", family: "accuracy", description: "Profit-and-loss rows of EXPENSE, COST_OF_SALES and OTHER_EXPENSE accounts are negative (costs shown as a report prints them, not by their normal balance)." },
  { id: "duplicate-class-id", family: "accuracy", description: "The last class of each company carries the ClassId of the first: two different classes share one id." },
  {
    id: "rows-outside-range",
    family: "accuracy",
    description: "Statements ignore StartDate and EndDate: every answer carries every month of the ledger.",
  },
  {
    id: "duplicate-rows",
    family: "accuracy",
    description: "Profit and loss gives its first account's first month in two rows (1.00 split off the amount into a second row).",
  },
  {
    id: "missing-month",
    family: "accuracy",
    description: "Profit and loss has no rows for the month three months before the clock's month (every account skips it).",
  },
  { id: "cyclic-hierarchy", family: "accuracy", description: "Two accounts name each other as ParentAccountId." },
  { id: "ignore-class-filter", family: "accuracy", description: "Profit and loss ignores ClassId and returns the unfiltered rows." },
  {
    id: "segments-ignored-off-pl",
    family: "accuracy",
    description: "The balance sheet and cash flow ignore ClassId and DepartmentId and return the unfiltered rows (the profit and loss applies them).",
  },
  {
    id: "class-split-remainder",
    family: "accuracy",
    description: "Profit and loss filtered by a class counts 100.00 of revenue twice in the last closed month: the class splits no longer add up.",
  },
  { id: "metric-unknown-id", family: "accuracy", description: "Non-financial values carry one more row, for a NonFinancialId (nfm-unknown) that the metric list does not hold." },
  { id: "metric-ids-ignored", family: "accuracy", description: "Non-financial values hold every metric of the company, whatever NonFinancialIds asks for." },
  { id: "metric-duplicate-row", family: "accuracy", description: "Non-financial values repeat their first row (the same metric and month twice)." },
  { id: "metric-extra-months", family: "accuracy", description: "Non-financial values also hold each metric's month before StartDate's month." },
  { id: "metric-class-ignored", family: "accuracy", description: "Non-financial values ignore a listed ClassId: the company-wide values come back." },
  { id: "metric-budget-ignored", family: "accuracy", description: "Non-financial values ignore a listed BudgetId: the actuals come back." },
  {
    id: "statement-filter-ignored",
    family: "accuracy",
    description: "The balance sheet and cash flow ignore an unknown BudgetId, ClassId or DepartmentId (200 with unfiltered figures); the profit and loss refuses it.",
  },
  {
    id: "unknown-filter-ignored",
    family: "accuracy",
    description: "An unknown BudgetId, ClassId or DepartmentId is ignored: 200 with actuals instead of 400.",
  },

  { id: "slow-operation", family: "reliability", description: "Profit and loss answers after 2500 ms." },
  {
    id: "rate-limit",
    family: "reliability",
    description: "A limit of 25 data requests: the 26th and every data request in the second after it get 429 with Retry-After: 1; then 25 more pass.",
  },
  { id: "rate-limit-no-retry-after", family: "reliability", description: "Every 5th data request gets 429 without Retry-After." },
  { id: "intermittent-500", family: "reliability", description: "Every 7th data request gets 500." },
  {
    id: "maintenance-503",
    family: "reliability",
    description: "After every 30 data requests, a second of maintenance: each data request in it gets 503 with Retry-After: 1.",
  },
  { id: "changing-data", family: "reliability", description: "Statement amounts and list totals differ on each call." },
];

const SORTED: readonly DefectInfo[] = [...DEFECTS].sort((a, b) =>
  a.family !== b.family ? (a.family < b.family ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);

/** Every defect switch, sorted by family then id. */
export function listDefects(): DefectInfo[] {
  return SORTED.map((d) => ({ ...d }));
}

export type DefectSet = ReadonlySet<string>;

/** Validates switch ids; an unknown id is a usage error that names the valid ones. */
export function parseDefects(ids: readonly string[] = []): DefectSet {
  const known = new Set(DEFECTS.map((d) => d.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown defect ${unknown.length === 1 ? "switch" : "switches"}: ${unknown.join(", ")}. Valid ids: ${SORTED.map((d) => d.id).join(", ")}`,
    );
  }
  return new Set(ids);
}
