import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PbxNodeView } from '@callplane/contracts';
import { Roles } from '../../auth/auth.decorators';
import { ApiAuthed } from '../openapi';
import { UuidParam } from '../uuid-param';
import { CreatePbxNodeDto, UpdatePbxNodeDto } from './pbx-node.dto';
import { PbxNodesService } from './pbx-nodes.service';

@ApiTags('pbx-nodes')
@ApiAuthed()
@Roles('admin')
@Controller('pbx-nodes')
export class PbxNodesController {
  constructor(private readonly nodes: PbxNodesService) {}

  @Get()
  list(): Promise<PbxNodeView[]> {
    return this.nodes.list();
  }

  @Get(':id')
  get(@UuidParam() id: string): Promise<PbxNodeView> {
    return this.nodes.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a PBX node; when enabled its driver starts at once.' })
  create(@Body() dto: CreatePbxNodeDto): Promise<PbxNodeView> {
    return this.nodes.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a node; its driver restarts with the new settings (or stops when disabled).' })
  update(@UuidParam() id: string, @Body() dto: UpdatePbxNodeDto): Promise<PbxNodeView> {
    return this.nodes.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@UuidParam() id: string): Promise<void> {
    return this.nodes.remove(id);
  }
}
