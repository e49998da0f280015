// Values not yet known at preview (e.g. the name of a bucket that `pulumi up` has not created)
// reach the provider's check and diff as this placeholder string (`unknownValue` in
// @pulumi/pulumi's runtime/rpc.ts).

/** The placeholder Pulumi's engine sends over gRPC for a value unknown at preview. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}
