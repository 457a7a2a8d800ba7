import { freeswitchCauseName, q850FromFreeswitch, q850Text } from './q850';

describe('Q.850 causes', () => {
  it.each([
    ['NORMAL_CLEARING', 16],
    ['USER_BUSY', 17],
    ['NO_ANSWER', 19],
    ['USER_NOT_REGISTERED', 20],
    ['SUBSCRIBER_ABSENT', 20],
    ['ORIGINATOR_CANCEL', 16],
    ['normal_temporary_failure', 41],
  ])('maps FreeSWITCH %s to Q.850 %d', (name, cause) => {
    expect(q850FromFreeswitch(name)).toBe(cause);
  });

  it('maps unknown FreeSWITCH causes to 31 (normal, unspecified)', () => {
    expect(q850FromFreeswitch('SOMETHING_NEW')).toBe(31);
  });

  it('names the FreeSWITCH cause for uuid_kill', () => {
    expect(freeswitchCauseName(17)).toBe('USER_BUSY');
    expect(freeswitchCauseName(16)).toBe('NORMAL_CLEARING');
    expect(freeswitchCauseName(999)).toBe('NORMAL_CLEARING');
  });

  it('uses Asterisk wording for cause texts', () => {
    expect(q850Text(16)).toBe('Normal Clearing');
    expect(q850Text(17)).toBe('User busy');
  });
});
