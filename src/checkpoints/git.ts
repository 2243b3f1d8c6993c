/**
 * The one place that imports isomorphic-git, so the Buffer global it needs is
 * installed first (ES modules evaluate their imports in order).
 */
import './buffer-global';

export * as git from 'isomorphic-git';
export { default as LightningFS } from '@isomorphic-git/lightning-fs';
