// The floor of a deployment under the Pulumi CLI: one trivial dynamic resource whose create and
// update make one loopback PUT, and nothing else (no check, no preflight, no token).

import * as pulumi from "@pulumi/pulumi";

interface FloorInputs {
    url: string;
    sse: string;
}

const provider: pulumi.dynamic.ResourceProvider<FloorInputs, FloorInputs> = {
    async create(inputs) {
        await fetch(inputs.url, { method: "PUT", body: JSON.stringify({ sse: inputs.sse }) });
        return { id: "floor", outs: inputs };
    },
    async update(_id, _olds, news) {
        await fetch(news.url, { method: "PUT", body: JSON.stringify({ sse: news.sse }) });
        return { outs: news };
    },
};

class FloorTarget extends pulumi.dynamic.Resource {
    constructor(name: string, args: FloorInputs) {
        super(provider, name, args);
    }
}

const config = new pulumi.Config();
export const id = new FloorTarget("floor", { url: config.require("url"), sse: config.require("sse") }).id;
