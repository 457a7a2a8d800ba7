import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SupervisionRequester, SupervisionService, SupervisionView } from '@callplane/calls';
import type { Principal } from '@callplane/contracts';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { StartSupervisionDto, SupervisionModeDto } from './supervision.dto';

/**
 * Supervisor monitor / whisper / barge (issue 8 §4): callplane rings the supervisor's phone, then
 * snoops the agent's leg (Asterisk ARI snoop, FreeSWITCH eavesdrop). Supervisors (only calls of the
 * queues listing them in `supervisorUserIds`) and admins; agents get 403.
 */
@ApiTags('supervision')
@ApiAuthed()
@Roles('supervisor')
@Controller('supervision')
export class SupervisionController {
  constructor(private readonly supervision: SupervisionService) {}

  @Post()
  @ApiOperation({ summary: 'Start { callId, mode: monitor|whisper|barge, endpoint? }: your phone rings, the snoop starts when you answer. 403 outside your queues, 409 when the call is not connected.' })
  start(@Body() dto: StartSupervisionDto, @CurrentPrincipal() principal: Principal): Promise<SupervisionView> {
    return this.supervision.start({ ...dto, by: supervisionRequesterOf(principal) });
  }

  @Get(':id')
  get(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): SupervisionView {
    return this.supervision.get(id, supervisionRequesterOf(principal));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Switch mode { mode } without redialling your phone.' })
  setMode(@UuidParam() id: string, @Body() dto: SupervisionModeDto, @CurrentPrincipal() principal: Principal): Promise<SupervisionView> {
    return this.supervision.setMode(id, dto.mode, supervisionRequesterOf(principal));
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop: your phone is hung up, the snoop removed.' })
  stop(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<SupervisionView> {
    return this.supervision.stop(id, supervisionRequesterOf(principal));
  }
}

/** The requester of a supervision command (REST and Socket.IO alike). */
export function supervisionRequesterOf(principal: Principal): SupervisionRequester {
  return { userId: principal.subject.startsWith('apikey:') ? null : principal.subject, role: principal.role };
}
