// @ts-check
/**
 * Imported before `@pulumi/pulumi` by the offline tools (the plan script, the test workers).
 *
 * On import the SDK loads TypeScript (the parser of its closure serializer), `@npmcli/arborist`
 * (the package walk behind a serialized function's code paths) and its Automation API: more than
 * half of an offline plan's time, though a plan serializes no function and drives no CLI. Each
 * of them goes into require's cache as a stand-in that loads the real module at its first use, so
 * a run that does serialize (the rehearsal's `up`) gets the real code, only later.
 *
 * Plain CommonJS JavaScript (types in JSDoc): any Node loads it as it is (`node --require`), without
 * tsx or type stripping, in the rehearsal's dynamic-provider plugin, which must run the providers
 * as plain Node would.
 */
const Module = require("node:module");
const path = require("node:path");

const SDK_DIR = path.dirname(require.resolve("@pulumi/pulumi"));

/**
 * The SDK imports these through TypeScript's `__importStar`, which copies every export unless
 * the module says `__esModule`: the stand-in says so (without loading) where the real one is an
 * ES module compiled to CommonJS or is only ever read through its named exports.
 */
/** @type {readonly { file: string; claimsEsModule: boolean }[]} */
const DEFERRED = [
  { file: path.join(SDK_DIR, "typescript-shim.js"), claimsEsModule: false },
  {
    file: require.resolve("@npmcli/arborist", {
      paths: [path.join(SDK_DIR, "runtime", "closure")],
    }),
    claimsEsModule: true,
  },
  { file: path.join(SDK_DIR, "automation", "index.js"), claimsEsModule: true },
];

/**
 * @param {string} file
 * @param {boolean} claimsEsModule
 */
function deferLoading(file, claimsEsModule) {
  if (require.cache[file]) return;
  /** @type {Record<PropertyKey, unknown> | undefined} */
  let loaded;
  /** @returns {Record<PropertyKey, unknown>} */
  const real = () => {
    if (!loaded) {
      delete require.cache[file];
      loaded = require(file);
    }
    return /** @type {Record<PropertyKey, unknown>} */ (loaded);
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) =>
        key === "__esModule" && claimsEsModule && !loaded ? true : Reflect.get(real(), key),
      has: (_, key) => Reflect.has(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      // A proxy may not report a property as non-configurable unless its (empty) target has it.
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  require.cache[file] = standIn;
}

for (const { file, claimsEsModule } of DEFERRED) deferLoading(file, claimsEsModule);
