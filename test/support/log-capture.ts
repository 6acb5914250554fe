import { ConsoleLogger, type LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line, for assertions on what the app logged. */
export class CapturingLogger extends ConsoleLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; context?: string }> = [];

  constructor() {
    super();
  }

  private keep(level: string, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.lines.push({
      level,
      message: String(message) + (rest.length > 1 ? ` ${rest.slice(0, -1).map(String).join(' ')}` : ''),
      context,
    });
  }

  override log(message: unknown, ...rest: unknown[]) {
    this.keep('log', message, rest);
  }
  override error(message: unknown, ...rest: unknown[]) {
    this.keep('error', message, rest);
  }
  override warn(message: unknown, ...rest: unknown[]) {
    this.keep('warn', message, rest);
  }
  override debug(message: unknown, ...rest: unknown[]) {
    this.keep('debug', message, rest);
  }
  override verbose(message: unknown, ...rest: unknown[]) {
    this.keep('verbose', message, rest);
  }

  text(): string {
    return this.lines.map((l) => `${l.level} [${l.context ?? ''}] ${l.message}`).join('\n');
  }
}
