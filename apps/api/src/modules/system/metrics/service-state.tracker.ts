import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AlertSourceEvents, type ServiceRunState } from '@moxnas/contracts';
import { SYSTEM_CLOCK, type SystemClock } from '../alerts/system-clock';
import { EventsService } from '../events/events.service';

export interface ServiceObservation {
  id: string;
  state: string;
  /** Whether the daemon should be running; undefined when the source does not say. */
  enabled?: boolean;
}

export interface ServiceTrack {
  id: string;
  state: string;
  enabled: boolean | undefined;
  since: Date;
  /** When the daemon went from running to not running, within the flapping window. */
  downs: Date[];
}

export type TransitionListener = (track: ServiceTrack, previous: string | undefined) => void;

/** A daemon that went down this often within the window is flapping. */
export const FLAP_DOWNS = 3;
export const FLAP_WINDOW_MS = 10 * 60 * 1000;

/**
 * The last known state of each daemon, from `service.status` events and from the services
 * contributor the collector polls. Feeds `moxnas_service_up`, the metrics view and the
 * service-down / flapping alerts.
 */
@Injectable()
export class ServiceStateTracker implements OnModuleInit, OnModuleDestroy {
  private readonly tracks = new Map<string, ServiceTrack>();
  private readonly listeners = new Set<TransitionListener>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly events: EventsService,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.type !== 'service.status') return;
      const parsed = AlertSourceEvents['service.status'].safeParse(event.data);
      if (parsed.success) this.observe({ id: parsed.data.id, state: parsed.data.state, enabled: parsed.data.enabled });
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  onTransition(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  observe(o: ServiceObservation): void {
    const now = this.clock.now();
    const track = this.tracks.get(o.id);
    if (track && track.state === o.state) {
      if (o.enabled !== undefined) track.enabled = o.enabled;
      return;
    }
    const previous = track?.state;
    const downs = this.recentDowns(track, now);
    if (previous === 'running' && o.state !== 'running' && o.state !== 'starting') downs.push(now);
    const next: ServiceTrack = { id: o.id, state: o.state, enabled: o.enabled ?? track?.enabled, since: now, downs };
    this.tracks.set(o.id, next);
    for (const l of this.listeners) l(next, previous);
  }

  /** Downs within the flapping window ending now. */
  recentDowns(track: ServiceTrack | undefined, now = this.clock.now()): Date[] {
    return (track?.downs ?? []).filter((d) => now.getTime() - d.getTime() < FLAP_WINDOW_MS);
  }

  get(id: string): ServiceTrack | undefined {
    return this.tracks.get(id);
  }

  all(): ServiceTrack[] {
    return [...this.tracks.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  view(): ServiceRunState[] {
    return this.all().map((t) => ({ id: t.id, state: t.state, since: t.since.toISOString() }));
  }
}
