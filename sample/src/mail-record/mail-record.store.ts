import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Database from 'better-sqlite3';
import type { MailEventKind } from './mail-events.handler.js';

/** One mail event, as the handlers record it. */
export interface MailEventRow {
  /** Deduplication key: the event id, stable across Inkbox's retries and replays. */
  eventKey: string;
  kind: MailEventKind;
  mailbox: string;
  /** Inkbox's id of the message (fetch it with the mail API). */
  messageId: string;
  subject: string | null;
  /** The other side: the sender of a received message, the recipients of an outbound one. */
  counterparties: string[];
  /** When Inkbox says the event happened (ISO-8601). */
  occurredAt: string;
}

/** What GET /mailboxes/:address shows. */
export interface MailboxRecord {
  mailbox: string;
  counts: Record<MailEventKind, number>;
  /** Recipients that bounced (or complained): candidates for a suppression list. */
  bouncedRecipients: Array<{ address: string; bounces: number; lastBouncedAt: string; lastSubject: string | null }>;
  /** Messages Inkbox gave up sending. */
  failedMessages: Array<{ messageId: string; subject: string | null; recipients: string[]; failedAt: string }>;
  /** The latest events, newest first. */
  recentEvents: Array<{
    kind: MailEventKind;
    eventKey: string;
    subject: string | null;
    counterparties: string[];
    occurredAt: string;
  }>;
}

const KINDS: MailEventKind[] = ['received', 'sent', 'forwarded', 'delivered', 'bounced', 'failed'];

/** The per-mailbox record, in SQLite. Recording is idempotent: an event already recorded is ignored. */
@Injectable()
export class MailRecordStore implements OnModuleDestroy {
  private readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly countBounce: Database.Statement;

  constructor(config: ConfigService) {
    const file = config.get<string>('SAMPLE_DB_PATH', 'data/inkbox-sample.db');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS mail_events (
        event_key      TEXT PRIMARY KEY,
        kind           TEXT NOT NULL,
        mailbox        TEXT NOT NULL,
        message_id     TEXT NOT NULL,
        subject        TEXT,
        counterparties TEXT NOT NULL,
        occurred_at    TEXT NOT NULL,
        recorded_at    TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS mail_events_by_mailbox ON mail_events (mailbox, occurred_at);
      CREATE TABLE IF NOT EXISTS bounced_recipients (
        mailbox         TEXT NOT NULL,
        address         TEXT NOT NULL,
        bounces         INTEGER NOT NULL,
        last_bounced_at TEXT NOT NULL,
        last_subject    TEXT,
        PRIMARY KEY (mailbox, address)
      );
    `);
    this.insertEvent = this.db.prepare(
      `INSERT OR IGNORE INTO mail_events (event_key, kind, mailbox, message_id, subject, counterparties, occurred_at, recorded_at)
       VALUES (@eventKey, @kind, @mailbox, @messageId, @subject, @counterparties, @occurredAt, @recordedAt)`,
    );
    this.countBounce = this.db.prepare(
      `INSERT INTO bounced_recipients (mailbox, address, bounces, last_bounced_at, last_subject)
       VALUES (@mailbox, @address, 1, @occurredAt, @subject)
       ON CONFLICT (mailbox, address) DO UPDATE SET
         bounces = bounces + 1,
         last_bounced_at = MAX(last_bounced_at, excluded.last_bounced_at),
         last_subject = excluded.last_subject`,
    );
  }

  /** Records one event; returns false when it was already recorded (a redelivery). */
  record(row: MailEventRow): boolean {
    return this.db.transaction(() => {
      const inserted =
        this.insertEvent.run({
          ...row,
          counterparties: JSON.stringify(row.counterparties),
          recordedAt: new Date().toISOString(),
        }).changes === 1;
      if (inserted && row.kind === 'bounced') {
        for (const address of row.counterparties)
          this.countBounce.run({
            mailbox: row.mailbox,
            address: address.toLowerCase(),
            occurredAt: row.occurredAt,
            subject: row.subject,
          });
      }
      return inserted;
    })();
  }

  /** Every mailbox with at least one event, in alphabetical order. */
  mailboxes(): string[] {
    return (
      this.db.prepare('SELECT DISTINCT mailbox FROM mail_events ORDER BY mailbox').all() as Array<{ mailbox: string }>
    ).map((r) => r.mailbox);
  }

  /** The record of one mailbox, or undefined when nothing was recorded for it. */
  mailbox(address: string, recent = 20): MailboxRecord | undefined {
    const mailbox = address.toLowerCase();
    const countRows = this.db
      .prepare('SELECT kind, COUNT(*) AS n FROM mail_events WHERE mailbox = ? GROUP BY kind')
      .all(mailbox) as Array<{ kind: MailEventKind; n: number }>;
    if (countRows.length === 0) return undefined;
    const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<MailEventKind, number>;
    for (const row of countRows) counts[row.kind] = row.n;
    const bounced = this.db
      .prepare(
        'SELECT address, bounces, last_bounced_at, last_subject FROM bounced_recipients WHERE mailbox = ? ORDER BY last_bounced_at DESC, address',
      )
      .all(mailbox) as Array<{
      address: string;
      bounces: number;
      last_bounced_at: string;
      last_subject: string | null;
    }>;
    const failed = this.db
      .prepare(
        `SELECT message_id, subject, counterparties, occurred_at FROM mail_events WHERE mailbox = ? AND kind = 'failed' ORDER BY occurred_at DESC`,
      )
      .all(mailbox) as Array<{
      message_id: string;
      subject: string | null;
      counterparties: string;
      occurred_at: string;
    }>;
    const events = this.db
      .prepare(
        'SELECT kind, event_key, subject, counterparties, occurred_at FROM mail_events WHERE mailbox = ? ORDER BY occurred_at DESC, recorded_at DESC LIMIT ?',
      )
      .all(mailbox, recent) as Array<{
      kind: MailEventKind;
      event_key: string;
      subject: string | null;
      counterparties: string;
      occurred_at: string;
    }>;
    return {
      mailbox,
      counts,
      bouncedRecipients: bounced.map((b) => ({
        address: b.address,
        bounces: b.bounces,
        lastBouncedAt: b.last_bounced_at,
        lastSubject: b.last_subject,
      })),
      failedMessages: failed.map((f) => ({
        messageId: f.message_id,
        subject: f.subject,
        recipients: JSON.parse(f.counterparties) as string[],
        failedAt: f.occurred_at,
      })),
      recentEvents: events.map((e) => ({
        kind: e.kind,
        eventKey: e.event_key,
        subject: e.subject,
        counterparties: JSON.parse(e.counterparties) as string[],
        occurredAt: e.occurred_at,
      })),
    };
  }

  onModuleDestroy(): void {
    this.db.close();
  }
}
