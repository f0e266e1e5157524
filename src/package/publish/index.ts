/** OCI publishing of built components (the "publish" half of `pelato build`). */
export * from './artifact.js';
export * from './reference.js';
export * from './oras.js';
export { orasBinary, ORAS_INSTALL_HINT } from './exec.js';
