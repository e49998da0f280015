// The floor for program start: what any Pulumi program of this shape pays, with nothing of
// this project's own: @pulumi/pulumi and @pulumi/aws loaded, one resource registered.

import * as aws from "@pulumi/aws";

export const bucket = new aws.s3.Bucket("floor").bucket;
