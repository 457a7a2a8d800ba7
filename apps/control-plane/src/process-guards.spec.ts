import { EventEmitter } from 'node:events';
import { IvrCallerHangupError } from '@callplane/ivr';
import { installProcessGuards } from './process-guards';

describe(installProcessGuards.name, () => {
  const entries: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const log = { error: (obj: Record<string, unknown>, msg: string) => void entries.push({ level: 'error', obj, msg }), fatal: (obj: Record<string, unknown>, msg: string) => void entries.push({ level: 'fatal', obj, msg }) };
  beforeEach(() => (entries.length = 0));

  it('logs an unhandled rejection with its call id and does not exit', () => {
    const proc = new EventEmitter();
    const exit = jest.fn();
    const sut = installProcessGuards(proc, log, exit);
    proc.emit('unhandledRejection', new IvrCallerHangupError(16, 'call-1'), Promise.resolve());
    expect(entries).toEqual([{ level: 'error', obj: expect.objectContaining({ callId: 'call-1', code: 'ivr-caller-hangup', err: 'Caller hung up (Q.850 cause 16)' }), msg: expect.stringContaining('keeps serving') }]);
    expect(exit).not.toHaveBeenCalled();
    sut();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('logs an uncaught exception as fatal and exits 1', async () => {
    const proc = new EventEmitter();
    const exited = new Promise<number>((resolve) => installProcessGuards(proc, log, resolve));
    proc.emit('uncaughtException', new Error('boom'));
    expect(await exited).toBe(1);
    expect(entries[0]).toMatchObject({ level: 'fatal', obj: { err: 'boom' } });
  });
});
