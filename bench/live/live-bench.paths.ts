import type { CallplaneProcess } from '../../test/live/support/callplane.process';
import type { LivePbx } from '../../test/live/support/live-env';

/** DID of the callplane path (inbound route → IVR flow) and of the PBX-dialplan path. */
export const CALLPLANE_DID = '8000';
export const DIALPLAN_DID = '8999';

/** The prompt both paths play: Asterisk's `beep` (0.44 s; FreeSWITCH gets it as beep.wav). */
export const PROMPT = 'beep';

/**
 * The flow both paths run (answer → play a short prompt → hang up), written in the PBX's own dialplan
 * for the bench instance only (appended to the rendered config; the bundled configs stay as they are).
 */
export function benchDialplan(pbx: LivePbx): string {
  if (pbx === 'asterisk') {
    // `(+)` extends the bundled from-external context; the exact extension wins over its pattern.
    return [
      '[from-external](+)',
      `exten => ${DIALPLAN_DID},1,Answer()`,
      ` same => n,Playback(${PROMPT})`,
      ' same => n,Hangup()',
    ].join('\n');
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<include>
  <!-- Bench only: the same flow as callplane's IVR bench flow, in FreeSWITCH's own dialplan. -->
  <extension name="bench_dialplan_${DIALPLAN_DID}">
    <condition field="destination_number" expression="^${DIALPLAN_DID}$">
      <action application="answer"/>
      <action application="playback" data="${PROMPT}.wav"/>
      <action application="hangup"/>
    </condition>
  </extension>
</include>
`;
}

/**
 * Seeds the callplane path through the REST API as an admin would: an IVR flow with a `play` node
 * and a `hangup` node, published, and an inbound route DID → flow (README "IVR flows").
 */
export async function seedCallplanePath(cp: CallplaneProcess): Promise<{ flowId: string; routeId: string }> {
  const flow = await cp.api('POST', '/ivr/flows', {
    name: 'bench-answer-play-hangup',
    definition: {
      start: 'greet',
      nodes: [
        { id: 'greet', type: 'play', prompts: [`sound:${PROMPT}`], next: 'bye' },
        { id: 'bye', type: 'hangup', cause: 16 },
      ],
    },
  });
  await cp.api('POST', `/ivr/flows/${flow.id}/publish`);
  const route = await cp.api('POST', '/inbound-routes', { did: CALLPLANE_DID, targetType: 'ivr', targetId: flow.id });
  return { flowId: flow.id, routeId: route.id };
}
