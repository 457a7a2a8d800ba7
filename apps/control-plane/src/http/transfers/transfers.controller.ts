import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@callplane/core';
import { TransferRequester, TransfersService, TransferView } from '@callplane/calls';
import type { Principal } from '@callplane/contracts';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { StartTransferDto } from './transfer.dto';

const COMMANDS = ['complete', 'swap', 'conference'] as const;

/**
 * Blind and attended transfers (issue 8). Agents: transfers of calls they are on (as the
 * transferring agent); supervisors/admins: any. Illegal commands: 409 `transfer-illegal-transition`
 * with `details.state` = the current state.
 */
@ApiTags('transfers')
@ApiAuthed()
@Roles('agent')
@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @Post()
  @ApiOperation({ summary: 'Start a transfer { callId, flow: blind|attended, target: { type: agent|endpoint|external|queue|ivr, id } }. 409 when the call is not connected or already transferring, or the target agent is not available.' })
  async start(@Body() dto: StartTransferDto, @CurrentPrincipal() principal: Principal): Promise<TransferView> {
    const by = requesterOf(principal);
    await this.transfers.assertMay(by, { callId: dto.callId });
    return this.transfers.start({ ...dto, by, origin: 'api' });
  }

  @Get(':id')
  async get(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<TransferView> {
    await this.transfers.assertMay(requesterOf(principal), { transferId: id });
    return this.transfers.get(id);
  }

  @Post(':id/:command')
  @HttpCode(200)
  @ApiOperation({ summary: 'complete (caller and target bridged, the agent leaves), swap (talk to the other party), conference (three-way).' })
  async command(@UuidParam() id: string, @Param('command') command: string, @CurrentPrincipal() principal: Principal): Promise<TransferView> {
    if (!(COMMANDS as readonly string[]).includes(command)) throw new NotFoundError('transfer command', command.slice(0, 32));
    await this.transfers.assertMay(requesterOf(principal), { transferId: id });
    return this.transfers.command(id, command as (typeof COMMANDS)[number]);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: the consult leg is hung up, the agent is back with the caller.' })
  async cancel(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<TransferView> {
    await this.transfers.assertMay(requesterOf(principal), { transferId: id });
    return this.transfers.command(id, 'cancel');
  }
}

/** The requester of a transfer command (REST and Socket.IO alike). */
export function requesterOf(principal: Principal): TransferRequester {
  return { userId: principal.subject.startsWith('apikey:') ? null : principal.subject, agentId: principal.agentId, role: principal.role };
}
