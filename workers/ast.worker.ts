import * as Comlink from 'comlink';
import { createAstService } from './ast.service';

Comlink.expose(createAstService());
