import type { Probe } from "../types.js";
import { refusalRun } from "./no-token.js";

/** Deliberately fake and public: safe to print in curl lines. */
export const INVALID_TOKEN = "reach-check-invalid-token";

export const probe: Probe = {
  id: "auth.invalid-token",
  family: "auth",
  step: 2,
  title: "Requests with a wrong token are refused",
  description:
    "Sends a valid request for every secured operation with a bearer token the partner never issued. Each must get 401 or 403 with a JSON error body.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    return refusalRun(ctx, this.id, { bearer: INVALID_TOKEN, public: true }, "with a wrong token");
  },
};
