import { readProviderSecrets, readStackConfig } from "./config";
import { declareStack } from "./stack";

// Pulumi turns this module's exports into the stack's outputs.
export = declareStack(readStackConfig(), readProviderSecrets());
