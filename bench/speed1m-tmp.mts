import { measure } from './measure.js';
const m = measure('dedup-speed', { file: 'bench/data/contacts-1000000.csv', db: 'bench/data/dedup-1m.duckdb' });
console.log(JSON.stringify(m));
