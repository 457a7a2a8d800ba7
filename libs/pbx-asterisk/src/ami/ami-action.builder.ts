import { assertWireSafe, assertWireToken, PbxInvalidArgumentError } from '@callplane/pbx';

/**
 * The wire form of one AMI action (Asterisk manager.c: `Key: value` lines ended by CRLF, the
 * action ended by an empty line): `Key: value\r\n` per field, then `ActionID: <id>\r\n\r\n`.
 * Every key must be a token without `:`, every value must hold no control character (the
 * port's guard, libs/pbx wire-value.guard.ts): a CR or LF inside a value would end the header,
 * and a blank line the action, running the rest as a second action.
 * @throws PbxInvalidArgumentError (nothing to send) naming the offending key
 */
export function amiActionText(fields: Record<string, string>, actionId: string): string {
  let text = '';
  for (const [key, value] of Object.entries({ ...fields, ActionID: actionId })) {
    if (assertWireToken('header', key).includes(':')) throw new PbxInvalidArgumentError('header', `name ${JSON.stringify(key)} contains ":"`);
    text += `${key}: ${assertWireSafe(key, value)}\r\n`;
  }
  return `${text}\r\n`;
}
