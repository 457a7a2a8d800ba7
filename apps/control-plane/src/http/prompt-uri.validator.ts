import { registerDecorator, ValidationOptions } from 'class-validator';
import { isPromptUri } from '@callplane/pbx';

/** A PBX-neutral prompt URI (`sound:queue-greeting`, `digits:123`, …; see @callplane/pbx prompt.ts). */
export function IsPromptUri(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPromptUri',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a prompt URI such as sound:queue-greeting (kinds: sound, digits, number, date, recording, tone, silence)`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isPromptUri(value) },
    });
}
