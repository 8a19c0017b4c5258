// Cancel requests from the api arrive on Redis pub/sub (`${CONTROL_CHANNEL_PREFIX}:${queue}`). Pub/sub is
// fire-and-forget, so the job runner also checks the run_event log for run.cancel_requested before it starts
// training; between the two, a cancel is never missed.
import { Redis } from 'ioredis';
import { CONTROL_CHANNEL_PREFIX, ControlMessageSchema, type ControlMessage } from '@shapesweep/contract';

export function controlChannel(queueName: string): string {
  return `${CONTROL_CHANNEL_PREFIX}:${queueName}`;
}

export interface ControlSubscriber {
  close(): Promise<void>;
}

/** Subscribes to the queue's control channel; malformed messages are reported through onInvalid and ignored. */
export async function subscribeControl(
  redisUrl: string,
  queueName: string,
  onMessage: (message: ControlMessage) => void,
  onInvalid: (reason: string) => void,
): Promise<ControlSubscriber> {
  // A subscribed connection can do nothing else, hence its own; ioredis re-subscribes by itself after a reconnect.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on('error', () => {}); // reconnects on its own; errors are transient here
  await redis.connect();
  const channel = controlChannel(queueName);
  redis.on('message', (received: string, text: string) => {
    if (received !== channel) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      onInvalid(`control message is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const parsed = ControlMessageSchema.safeParse(raw);
    if (!parsed.success) {
      onInvalid(`control message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')}`);
      return;
    }
    onMessage(parsed.data);
  });
  await redis.subscribe(channel);
  return {
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
