import type { Connector } from '../connector.js';
import amocrm from './amocrm.js';
import bitrix24 from './bitrix24.js';
import hubspot from './hubspot.js';
import pipedrive from './pipedrive.js';
import salesforce from './salesforce.js';
import zoho from './zoho.js';

export const CONNECTORS: Connector[] = [hubspot, salesforce, pipedrive, zoho, bitrix24, amocrm];
export const CONNECTOR_IDS = CONNECTORS.map((c) => c.id);
/** Kommo is amoCRM's international brand: same API. */
export const connectorFor = (id: string): Connector | undefined => CONNECTORS.find((c) => c.id === (id === 'kommo' ? 'amocrm' : id));
