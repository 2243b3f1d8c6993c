import * as Comlink from 'comlink';
import { originGrammarLocator } from '../src/code-index/grammar-urls';
import { createAstService } from './ast.service';

Comlink.expose(createAstService({ locate: originGrammarLocator() }));
