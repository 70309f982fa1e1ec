// `npm start` / `node src/main.ts`. V8's compiled code for our modules and their dependencies is
// kept on disk between starts (Node's compile cache, in the system's temporary directory unless
// NODE_COMPILE_CACHE names another), which halves module loading, the largest part of a restart.
// It must be on before anything else is loaded, hence this file and the import below.
import module from 'node:module';

module.enableCompileCache?.();
await import('./serve.ts');
