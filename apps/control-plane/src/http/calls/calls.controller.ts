import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CallDetailView, CallView, Page, Principal } from '@callplane/contracts';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { CallsQueryDto } from './calls-query.dto';
import { CallsQueryService } from './calls-query.service';

@ApiTags('calls')
@ApiAuthed()
@Roles('agent')
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsQueryService) {}

  @Get()
  @ApiOperation({ summary: 'Call records, newest first, filtered and paged ({ items, total, page, pageSize }). Agents see only their own calls.' })
  list(@Query() query: CallsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<CallView>> {
    return this.calls.list(query, principal);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call with its legs and events (the IVR path, queue and agent steps), ordered by time.' })
  get(@UuidParam() id: string, @CurrentPrincipal() principal: Principal): Promise<CallDetailView> {
    return this.calls.get(id, principal);
  }
}
