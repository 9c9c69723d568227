import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

// Only this: constructing a PolicyPack starts its gRPC server. Tests import ./policies.
new PolicyPack("client-fulfillment-infra", { policies: POLICIES, enforcementLevel: "mandatory" });
