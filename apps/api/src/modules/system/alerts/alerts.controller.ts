import { Body, Controller, Param, Query } from '@nestjs/common';
import { alertChannelsApi, alertsApi, type AlertListQuery, type CreateAlertChannel, type UpdateAlertChannel } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { AlertChannelsService } from './alert-channels.service';
import { AlertDeliveryQueue } from './alert-delivery.queue';
import type { DeliveryStatus } from './alert-delivery.entity';
import { AlertsService } from './alerts.service';

@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Route(alertsApi.list)
  list(@Query() query: AlertListQuery) {
    return this.alerts.list(query);
  }

  @Route(alertsApi.get)
  get(@Param('id') id: string) {
    return this.alerts.get(id);
  }

  @Route(alertsApi.acknowledge)
  acknowledge(@Param('id') id: string, @CurrentActor() actor: Actor | null) {
    return this.alerts.acknowledge(id, actor?.username ?? 'system');
  }
}

@Controller()
export class AlertChannelsController {
  constructor(
    private readonly channels: AlertChannelsService,
    private readonly queue: AlertDeliveryQueue,
  ) {}

  @Route(alertChannelsApi.list)
  list() {
    return this.channels.list();
  }

  @Route(alertChannelsApi.get)
  get(@Param('id') id: string) {
    return this.channels.get(id);
  }

  @Route(alertChannelsApi.create)
  create(@Body() body: CreateAlertChannel) {
    return this.channels.create(body);
  }

  @Route(alertChannelsApi.update)
  update(@Param('id') id: string, @Body() body: UpdateAlertChannel) {
    return this.channels.update(id, body);
  }

  @Route(alertChannelsApi.remove)
  remove(@Param('id') id: string) {
    return this.channels.remove(id);
  }

  @Route(alertChannelsApi.test)
  test(@Param('id') id: string) {
    return this.queue.test(id);
  }

  @Route(alertChannelsApi.deliveries)
  deliveries(@Param('id') id: string, @Query() query: { page: number; pageSize: number; status?: DeliveryStatus }) {
    return this.queue.list(id, query);
  }
}
