import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { InboundRouteView } from '@callplane/contracts';
import { Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { CreateInboundRouteDto, UpdateInboundRouteDto } from './inbound-route.dto';
import { InboundRoutesService } from './inbound-routes.service';

@ApiTags('inbound-routes')
@ApiAuthed()
@Roles('supervisor')
@Controller('inbound-routes')
export class InboundRoutesController {
  constructor(private readonly routes: InboundRoutesService) {}

  @Get()
  list(): Promise<InboundRouteView[]> {
    return this.routes.list();
  }

  @Get(':id')
  get(@UuidParam() id: string): Promise<InboundRouteView> {
    return this.routes.get(id);
  }

  @Post()
  create(@Body() dto: CreateInboundRouteDto): Promise<InboundRouteView> {
    return this.routes.create(dto);
  }

  @Patch(':id')
  update(@UuidParam() id: string, @Body() dto: UpdateInboundRouteDto): Promise<InboundRouteView> {
    return this.routes.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.routes.remove(id);
  }
}
