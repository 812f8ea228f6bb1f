/**
 * Error codes that kreveal reports. Each code names one kind of failure so that scripts and tests
 * can match on it without parsing the message.
 */
export type ErrorCode =
  | "USAGE"
  | "INPUT_EMPTY"
  | "INPUT_MALFORMED"
  | "FILE_NOT_FOUND"
  | "PATH_OUTSIDE_ROOT"
  | "PATH_PROTECTED"
  | "SOPS_METADATA_MISSING"
  | "SOPS_METADATA_INVALID"
  | "SOPS_VALUE_INVALID"
  | "SOPS_TYPE_UNKNOWN"
  | "SOPS_DECRYPT_FAILED"
  | "SOPS_MAC_MISMATCH"
  | "SOPS_MAC_MISSING"
  | "KEY_NOT_AVAILABLE"
  | "KEY_SOURCE_UNSUPPORTED"
  | "KEY_SOURCE_FAILED"
  | "CONFIG_INVALID"
  | "PLACEHOLDER_INVALID"
  | "PLACEHOLDER_MISSING"
  | "BACKEND_NOT_FOUND"
  | "BACKEND_FORBIDDEN"
  | "BACKEND_TIMEOUT"
  | "BACKEND_RATE_LIMITED"
  | "BACKEND_UNAVAILABLE"
  | "BACKEND_FAILED"
  | "GENERATOR_FAILED"
  | "POLICY_DENIED"
  | "TOOL_FAILED"
  | "TIMEOUT";

export interface KrevealErrorOptions {
  /** The file, resource or field the error is about, e.g. `secrets/db.enc.yaml` or `data.password`. */
  location?: string;
  /** The user's next step, as a full sentence. */
  fix?: string;
  cause?: unknown;
}

/**
 * Base class of every error kreveal reports to its user. The message never contains a secret
 * value, a data key or a token: it names where the problem is instead.
 */
export class KrevealError extends Error {
  readonly code: ErrorCode;
  readonly location: string | undefined;
  readonly fix: string | undefined;

  constructor(code: ErrorCode, message: string, options: KrevealErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location;
    this.fix = options.fix;
  }

  /** Formats the error as the one or two lines printed on stderr. */
  describe(): string {
    const where = this.location === undefined ? "" : `${this.location}: `;
    const fix = this.fix === undefined ? "" : `\n  fix: ${this.fix}`;
    return `${where}${this.message} [${this.code}]${fix}`;
  }
}

/** Several independent problems found in one run, reported together. */
export class KrevealErrors extends KrevealError {
  readonly errors: readonly KrevealError[];

  constructor(errors: readonly KrevealError[]) {
    super(errors[0]?.code ?? "USAGE", `${errors.length} problems found`);
    this.errors = errors;
  }

  override describe(): string {
    return this.errors.map((error) => error.describe()).join("\n");
  }
}

/** Prefixes the location of an error with the file or resource it came from. */
export function withLocation(error: unknown, location: string): unknown {
  if (!(error instanceof KrevealError)) {
    return error;
  }
  const inner = error.location === undefined ? location : `${location}: ${error.location}`;
  const wrapped = new KrevealError(error.code, error.message, { location: inner, fix: error.fix, cause: error.cause });
  return wrapped;
}
