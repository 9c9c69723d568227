// Node's require, not Vite, loads the module: it stays plain CommonJS for the rehearsal's plugin process (see its comment).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
require("../src/offline/defer-sdk-modules.cjs");
