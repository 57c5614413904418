import type { Feature } from '../infra/services.js';
import { healthFeature } from './health/health.feature.js';

/** Every capability, in admin-navigation order. */
export const FEATURES: Feature[] = [healthFeature];
