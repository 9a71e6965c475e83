import { Inject } from '@nestjs/common';
import { TypedInfisicalConfig } from './typed-config.js';

/**
 * Injects the validated, typed configuration (`TypedInfisicalConfig<AppConfig>`). The class itself is the
 * token, so a constructor parameter typed `TypedInfisicalConfig<AppConfig>` works without the decorator;
 * the decorator makes the intent explicit and survives builds without emitDecoratorMetadata.
 */
export const InjectInfisicalConfig = (): PropertyDecorator & ParameterDecorator => Inject(TypedInfisicalConfig);
