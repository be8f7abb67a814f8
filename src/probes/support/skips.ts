/** Skip reasons several checks share. */
export const NO_COMPANY = "No company to check (see schema.user-info, or pass --company).";
