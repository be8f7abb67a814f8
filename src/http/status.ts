import { STATUS_CODES } from "node:http";

/** The standard reason phrase of an HTTP status (`Not Found`), or undefined for an unknown code. */
export function reasonPhrase(status: number): string | undefined {
  return STATUS_CODES[status];
}
