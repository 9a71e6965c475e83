import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';

/**
 * What this app needs from its configuration. Checked at boot (a missing or invalid key fails boot,
 * listing every problem) and on every refresh (a bad refresh is refused; the last good values stay).
 */
export class AppConfig {
  @IsString()
  @MinLength(8)
  DB_PASSWORD!: string;

  @IsString()
  DB_HOST!: string;

  @IsOptional()
  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL?: string;
}
