import { BranchNode } from './branch.node';
import { GatherNode } from './gather.node';
import { GotoNode } from './goto.node';
import { HangupNode } from './hangup.node';
import { HttpNode } from './http.node';
import { MenuNode } from './menu.node';
import { PlayNode } from './play.node';
import { QueueNode } from './queue.node';
import { SetNode } from './set.node';
import { TransferNode } from './transfer.node';
import { VoicemailNode } from './voicemail.node';

export { BranchNode, GatherNode, GotoNode, HangupNode, HttpNode, MenuNode, PlayNode, QueueNode, SetNode, TransferNode, VoicemailNode };
export * from './business-hours';
export { voicemailRecordingName } from './voicemail.node';

/** The built-in node types (registered through the same discovery path as extensions). */
export const BUILT_IN_IVR_NODES = [MenuNode, GatherNode, PlayNode, BranchNode, SetNode, HttpNode, QueueNode, TransferNode, VoicemailNode, HangupNode, GotoNode];

/** Instances of the built-in node types, for use without Nest (tests, tools). */
export function builtInIvrNodes(options?: import('../ivr.options').IvrOptions): import('../ivr-node.handler').IvrNodeHandler[] {
  return [new MenuNode(), new GatherNode(), new PlayNode(), new BranchNode(), new SetNode(), new HttpNode(options), new QueueNode(), new TransferNode(), new VoicemailNode(), new HangupNode(), new GotoNode()];
}
