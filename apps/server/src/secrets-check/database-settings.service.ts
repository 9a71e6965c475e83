import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/**
 * Reads its settings in the constructor, as a database module would: proof that the secrets were in
 * ConfigService before any consumer ran.
 */
@Injectable()
export class DatabaseSettings {
  readonly url: string | undefined;
  readonly password: string | undefined;

  constructor(config: ConfigService) {
    this.url = config.get<string>('DATABASE_URL');
    this.password = config.get<string>('DB_PASSWORD');
  }
}
