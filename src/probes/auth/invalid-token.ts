import type { Probe } from "../types.js";
import { OTHER_SCHEME, WRONG_TOKEN } from "../support/refusals.js";
import { refusalRun } from "./no-token.js";

export const probe: Probe = {
  id: "auth.invalid-token",
  family: "auth",
  step: 2,
  title: "Requests with a wrong token are refused",
  description:
    "Sends a valid request for every secured operation with a bearer token the partner never issued, and once more with a made-up Basic credential instead of a bearer token. Each must be refused with a JSON error body, never data: 401 or 403 (400 also for the Basic credential); 403 for the wrong token warns, since 403 means a valid token without access.",
  after: ["reachability.connection"],
  blockedByFailure: true,
  async run(ctx) {
    return refusalRun(ctx, this.id, [WRONG_TOKEN, OTHER_SCHEME]);
  },
};
