import * as Comlink from 'comlink';
import { createEmbedService } from './embed.service';

Comlink.expose(createEmbedService());
