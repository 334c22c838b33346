import { runBridgeContract } from './support/bridge-contract.js';
import { whatsappCloudHarness } from './support/whatsapp-cloud-harness.js';

runBridgeContract(whatsappCloudHarness());
