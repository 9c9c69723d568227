import * as pulumi from "@pulumi/pulumi";
import { readProviderSecrets, readStackConfig, StackConfigError } from "./config";
import { declareStack } from "./stack";

function configOrExit() {
  try {
    return readStackConfig();
  } catch (error) {
    // RunError ends the program with the message alone, without a stack trace.
    if (error instanceof StackConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

// Pulumi turns this module's exports into the stack's outputs.
export = declareStack(configOrExit(), readProviderSecrets());
