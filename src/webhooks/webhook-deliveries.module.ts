import { Module } from '@nestjs/common';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookMetrics } from './webhook-metrics';

/**
 * The webhook inbox: stored deliveries, the worker that applies them, and the platform admins'
 * routes. Clerk's and GitHub's modules import it and register how their deliveries are applied.
 */
@Module({
  controllers: [WebhookDeliveriesController],
  providers: [
    WebhookDeliveriesService,
    WebhookDeliveriesRepository,
    WebhookDeliveryWorker,
    WebhookMetrics,
  ],
  exports: [WebhookDeliveriesService, WebhookDeliveryWorker],
})
export class WebhookDeliveriesModule {}
