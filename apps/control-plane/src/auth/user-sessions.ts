import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

/** Why a user's sessions end: their password or role changed, or they were deleted. */
export type SessionEndReason = 'password-changed' | 'role-changed' | 'user-deleted';

export interface SessionsRevoked {
  userId: string;
  reason: SessionEndReason;
}

/**
 * In-process notice that a user's issued tokens are void (UsersService raises `tokenVersion`
 * or deletes the row, then calls {@link revoke}). REST needs no notice — the guard compares
 * the token's `tv` with the row on every request — but open Socket.IO connections do:
 * `SocketSessions` disconnects them.
 */
@Injectable()
export class UserSessions {
  private readonly revoked$ = new Subject<SessionsRevoked>();

  /** Emits after the change is stored. */
  readonly revoked: Observable<SessionsRevoked> = this.revoked$.asObservable();

  revoke(userId: string, reason: SessionEndReason): void {
    this.revoked$.next({ userId, reason });
  }
}
