import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_VERSION } from "./provider";

/**
 * A Railway object in the program: the dynamic resource `railway:<type>`, whose CRUD its provider
 * does. The inputs go to the provider with the provider version; the properties only the
 * provider sets are registered as `undefined`, so the engine fills them from its outputs
 * (pulumi/examples `ts-raw-api-providers/httpbinEcho.ts`). Secret inputs are wrapped in
 * pulumi.secret and their outputs kept secret too (`additionalSecretOutputs`).
 *
 * Each type passes one provider object for all its resources: the SDK caches a provider's
 * serialized code by object, so the program serializes it once instead of once per resource.
 */
export abstract class RailwayResource extends pulumi.dynamic.Resource {
  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    name: string,
    args: object,
    properties: { readonly outputs: readonly string[]; readonly secretInputs?: readonly string[] },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const inputs: pulumi.Inputs = { ...args };
    const secretInputs = properties.secretInputs ?? [];
    const secrets = Object.fromEntries(
      secretInputs.map((key) => [key, inputs[key] && pulumi.secret(inputs[key])]),
    );
    const outputs = Object.fromEntries(properties.outputs.map((key) => [key, undefined]));
    super(
      provider,
      name,
      { ...inputs, ...secrets, providerVersion: PROVIDER_VERSION, ...outputs },
      secretInputs.length > 0
        ? pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secretInputs] })
        : opts,
      "railway",
      type,
    );
  }
}
