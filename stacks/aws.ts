// The AWS services the stacks use, each imported by itself: the index of `@pulumi/aws` loads the
// modules of every AWS service, which cost more than the rest of the program's start together
// (`npm run bench`, "program start").

export * as iam from "@pulumi/aws/iam";
export * as s3 from "@pulumi/aws/s3";
