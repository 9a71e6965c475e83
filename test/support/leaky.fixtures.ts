import { Controller, Get, Module } from '@nestjs/common';
import { DB_PASSWORD } from './seed.js';

// Modules that leak a secret value on purpose, for the leak guard's own tests.

@Controller('leaky')
export class LeakyController {
  @Get()
  leak() {
    return { token: DB_PASSWORD };
  }
}

@Module({ controllers: [LeakyController] })
export class LeakyHttpModule {}

@Module({
  providers: [
    {
      provide: 'DATABASE',
      useFactory: () => {
        throw new Error('could not connect to the database', { cause: new Error(`password ${DB_PASSWORD} refused`) });
      },
    },
  ],
})
export class LeakyBootModule {}
