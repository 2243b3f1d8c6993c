import * as Comlink from 'comlink';
import { createLlmService } from './llm.service';

Comlink.expose(createLlmService());
