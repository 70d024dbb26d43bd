// Importing loopsafe/inversify is what lets the planner read inversify's decorators: the registration runs on import.
import { registerClassMetadataReader } from '../declare/class-metadata.js';
import { inversifyReader } from './reader.js';

registerClassMetadataReader(inversifyReader);
