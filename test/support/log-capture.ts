import { Logger, type LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/** Collects every Nest log line (message, context, stack) so tests can assert on them and scan for leaks. */
export class LogCapture implements LoggerService {
  readonly lines: string[] = [];

  private push(level: string, message: unknown, rest: unknown[]) {
    const text = [message, ...rest].map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 5 }))).join(' ');
    this.lines.push(`${level} ${text}`);
  }

  log(message: unknown, ...rest: unknown[]) { this.push('log', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.push('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.push('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.push('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.push('verbose', message, rest); }
  fatal(message: unknown, ...rest: unknown[]) { this.push('fatal', message, rest); }

  text(): string {
    return this.lines.join('\n');
  }

  /** Routes every Nest logger, including static ones, here until `restore()`. */
  install(): this {
    Logger.overrideLogger(this);
    return this;
  }

  restore(): void {
    Logger.overrideLogger(false);
  }
}
