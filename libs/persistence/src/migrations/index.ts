import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { AcdFull1764870000000 } from './1764870000000-acd-full';
import { TokenVersion1764900000000 } from './1764900000000-token-version';
import { Transfers1764940000000 } from './1764940000000-transfers';
import { QueueSupervisors1764960000000 } from './1764960000000-queue-supervisors';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [InitialSchema1763700000000, AcdFull1764870000000, TokenVersion1764900000000, Transfers1764940000000, QueueSupervisors1764960000000];
