// `npm run build`, after tsc: dist/yaml-cache.json, the shipped YAML parsed once (yaml-cache.ts).
import { writeYamlCache } from './yaml-cache.js';

writeYamlCache();
