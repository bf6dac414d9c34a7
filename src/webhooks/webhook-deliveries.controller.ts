import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PlatformAdminOnly } from '../common/auth/platform-admin.guard';
import { pathId } from '../common/http/path-id.pipe';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { mapPage } from '../common/pagination/page';
import {
  ListWebhookDeliveriesQueryDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryResponseDto,
} from './dto/webhook-delivery.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@ApiTags('webhooks')
@ApiBearerAuth('bearer')
@PlatformAdminOnly()
@Controller('webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  /** Deliveries received from Clerk and GitHub, newest first. */
  @Get()
  @ApiErrors('VALIDATION_FAILED', 'FORBIDDEN')
  async list(@Query() query: ListWebhookDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    const filter = { source: query.source, status: query.status, deliveryId: query.deliveryId };
    return mapPage(await this.deliveries.list(filter, query), WebhookDeliveryResponseDto.from);
  }

  @Get(':deliveryId')
  @ApiErrors('FORBIDDEN', 'DELIVERY_NOT_FOUND')
  async get(
    @Param('deliveryId', pathId('DELIVERY')) id: string,
  ): Promise<WebhookDeliveryResponseDto> {
    return WebhookDeliveryResponseDto.from(await this.deliveries.get(id));
  }

  /** Queues a failed, applied or ignored delivery again; its stored body is read afresh. */
  @Post(':deliveryId/replay')
  @HttpCode(202)
  @ApiErrors('FORBIDDEN', 'DELIVERY_NOT_FOUND', 'DELIVERY_IN_PROGRESS', 'DELIVERY_NOT_REPLAYABLE')
  async replay(
    @Param('deliveryId', pathId('DELIVERY')) id: string,
  ): Promise<WebhookDeliveryResponseDto> {
    return WebhookDeliveryResponseDto.from(await this.deliveries.replay(id));
  }
}
