/**
 * Connection-level failures of the ESL client. They stay inside libs/pbx-freeswitch: the driver
 * translates them to the port's errors (PbxUnavailableError, ChannelNotFoundError, …).
 */
export class EslError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** TCP connect failed or the socket closed before the command got its reply. */
export class EslConnectionError extends EslError {}

/** mod_event_socket refused the password (`Reply-Text: -ERR invalid`). */
export class EslAuthError extends EslError {}

/** No reply within the request timeout. */
export class EslTimeoutError extends EslError {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super(`ESL command "${command}" got no reply within ${timeoutMs} ms`);
  }
}

/** A command was answered with `-ERR …` (`text` is what follows `-ERR `). */
export class EslCommandError extends EslError {
  constructor(readonly command: string, readonly text: string) {
    super(`ESL command "${command}" failed: -ERR ${text}`);
  }
}
