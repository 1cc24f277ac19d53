import type { Logger } from '@agent-protocol/core';
import pg from 'pg';

/**
 * One dedicated connection that LISTENs, and comes back by itself: a database restart must not
 * leave a process deaf to other processes' events and released turns. After each reconnection
 * `onReconnect` runs, since notifications sent meanwhile are lost.
 */
export class Listener {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = 250;

  constructor(
    private readonly config: () => pg.ClientConfig,
    private readonly channels: string[],
    private readonly onNotification: (channel: string, payload: string) => void,
    private readonly onReconnect: () => void,
    private readonly logger: Logger,
  ) {}

  /** Connects and listens; on failure, keeps trying in the background. */
  async start(): Promise<void> {
    await this.connect(false);
  }

  private async connect(again: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config());
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      this.onNotification(message.channel, message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      this.logger.error('listening for other processes failed; retrying', error);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.schedule();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delayMs = 250;
    if (again) this.onReconnect();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (!this.closed) this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect(true);
    }, this.delayMs);
    this.retry.unref();
    this.delayMs = Math.min(this.delayMs * 2, 5_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
