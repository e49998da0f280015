// The floor for a program with a dynamic resource: the bare floor plus one trivial dynamic
// resource, so Pulumi's closure serializer (a fixed cost of every dynamic provider) is counted.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: "floor" };
    },
};

class FloorResource extends pulumi.dynamic.Resource {
    constructor(name: string) {
        super(provider, name, {});
    }
}

export const bucket = new aws.s3.Bucket("floor").bucket;
export const dynamicId = new FloorResource("floor-dynamic").id;
