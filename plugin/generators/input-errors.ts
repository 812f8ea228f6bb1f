import { KrevealError, KrevealErrors } from "../errors.js";

/**
 * Flattens an error into the list of KrevealErrors it carries, with the manifest description in
 * front of each location. Errors that are not KrevealErrors are bugs and are rethrown.
 */
export function locateErrors(error: unknown, description: string): KrevealError[] {
  if (error instanceof KrevealErrors) {
    return error.errors.flatMap((inner) => locateErrors(inner, description));
  }
  if (error instanceof KrevealError) {
    const location = error.location === undefined ? description : `${description}: ${error.location}`;
    return [new KrevealError(error.code, error.message, { location, fix: error.fix, cause: error.cause })];
  }
  throw error;
}

/** Flattens an error whose locations are already complete into the KrevealErrors it carries. */
export function flattenErrors(error: unknown): KrevealError[] {
  if (error instanceof KrevealErrors) {
    return [...error.errors];
  }
  if (error instanceof KrevealError) {
    return [error];
  }
  throw error;
}
