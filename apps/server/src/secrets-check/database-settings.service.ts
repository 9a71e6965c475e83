import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InfisicalConfigService } from 'nestjs-infisical-config';
import type { Subscription } from 'rxjs';

const CREDENTIAL_KEYS = ['DB_PASSWORD', 'DATABASE_URL'];

/**
 * Stands in for a database client. It reads its settings in the constructor (proof that the secrets were
 * in ConfigService before any consumer ran) and "reconnects" when the password or URL rotates.
 */
@Injectable()
export class DatabaseSettings implements OnModuleDestroy {
  private readonly logger = new Logger(DatabaseSettings.name);
  private readonly rotation: Subscription;
  url: string | undefined;
  password: string | undefined;
  reconnects = 0;

  constructor(
    private readonly config: ConfigService,
    infisical: InfisicalConfigService,
  ) {
    this.readSettings();
    this.rotation = infisical.watch(...CREDENTIAL_KEYS).subscribe((change) => {
      this.readSettings();
      this.reconnects += 1;
      const rotated = [...change.added, ...change.changed, ...change.removed].filter((key) => CREDENTIAL_KEYS.includes(key));
      // Key names only: never the values.
      this.logger.log(`Database credentials rotated (${rotated.join(', ')}): reconnecting`);
    });
  }

  private readSettings(): void {
    this.url = this.config.get<string>('DATABASE_URL');
    this.password = this.config.get<string>('DB_PASSWORD');
  }

  onModuleDestroy(): void {
    this.rotation.unsubscribe();
  }
}
