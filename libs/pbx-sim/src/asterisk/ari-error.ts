/**
 * An ARI REST error response. Asterisk answers most errors with `{"message": "..."}` and channel
 * allocation failures with `{"error": "Allocation failed"}` (recorded: originate-unregistered).
 */
export class AriError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, string>,
  ) {
    super(body.message ?? body.error ?? `ARI ${status}`);
  }

  static notFound(message: string): AriError {
    return new AriError(404, { message });
  }

  static conflict(message: string): AriError {
    return new AriError(409, { message });
  }

  static badRequest(message: string): AriError {
    return new AriError(400, { message });
  }

  static unprocessable(message: string): AriError {
    return new AriError(422, { message });
  }
}
