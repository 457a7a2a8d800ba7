import { eslUrlEncode, jsonEventFrame, plainEventFrame, serializeJson, type EslEvent } from './esl-frame.encoder';

describe('esl-frame.encoder', () => {
  it('url-encodes like switch_url_encode (recorded values)', () => {
    expect(eslUrlEncode('sofia/internal/sipp@127.0.0.1:5170')).toBe('sofia/internal/sipp%40127.0.0.1%3A5170');
    expect(eslUrlEncode('Sat, 21 Nov 2026 19:17:36 GMT')).toBe('Sat,%2021%20Nov%202026%2019%3A17%3A36%20GMT');
    expect(eslUrlEncode('user/1005@127.0.0.1 &park()')).toBe('user/1005%40127.0.0.1%20%26park()');
    expect(eslUrlEncode('ARRAY::8002|:8002')).toBe('ARRAY%3A%3A8002%7C%3A8002');
    expect(eslUrlEncode('fd00::2')).toBe('fd00%3A%3A2');
  });

  it('frames BACKGROUND_JOB with the body inside the plain event and as _body in json', () => {
    const ev: EslEvent = {
      name: 'BACKGROUND_JOB',
      headers: [['Event-Name', 'BACKGROUND_JOB'], ['Job-Command-Arg', 'user/1005@127.0.0.1 &park()']],
      body: '-ERR USER_NOT_REGISTERED\n',
    };
    const inner = 'Event-Name: BACKGROUND_JOB\nJob-Command-Arg: user/1005%40127.0.0.1%20%26park()\nContent-Length: 25\n\n-ERR USER_NOT_REGISTERED\n';
    expect(plainEventFrame(ev)).toBe(`Content-Length: ${inner.length}\nContent-Type: text/event-plain\n\n${inner}`);
    const json = jsonEventFrame(ev).split('\n\n')[1];
    expect(JSON.parse(json)).toEqual({
      'Event-Name': 'BACKGROUND_JOB', 'Job-Command-Arg': 'user/1005@127.0.0.1 &park()', 'Content-Length': '25', _body: '-ERR USER_NOT_REGISTERED\n',
    });
  });

  it('keeps multi-valued variables as JSON arrays and escapes control characters', () => {
    const s = serializeJson([['variable_DP_MATCH', ['8002', '8002']], ['variable_switch_r_sdp', 'v=0\r\n"x"']]);
    expect(JSON.parse(s)).toEqual({ variable_DP_MATCH: ['8002', '8002'], variable_switch_r_sdp: 'v=0\r\n"x"' });
  });

  it('counts Content-Length in bytes, not characters', () => {
    const ev: EslEvent = { name: 'X', headers: [['Caller-Caller-ID-Name', 'Zoë']] };
    const [head, body] = jsonEventFrame(ev).split('\n\n');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(Buffer.byteLength(body)).toBe(body.length + 1);
  });
});
