// What an IAM policy document lets its holder do beyond what OpenTok needs to upload archives
// (Vonage "Using an Amazon S3 bucket": s3:ListAllMyBuckets on *, s3:ListBucket on the bucket,
// s3:PutObject on its objects). Judged by what a statement could allow, not by how it is
// written: IAM action names are case-insensitive, `*` and `?` match any actions (also ones AWS
// adds later), NotAction and NotResource allow everything not listed, and a document may be
// given as JSON text or as an object (@pulumi/aws accepts both). Deny statements are not
// credited: least privilege here means granting only what is needed, not granting more and
// taking part of it back.

/** One permission OpenTok needs: an action (lower case) and the resource it needs it on. */
interface Need {
    action: string;
    /** The ARNs of the resources the action is needed on, for the archive buckets. */
    resources: (buckets: readonly string[]) => ResourceNeed[];
}

/** A resource an action is needed on: every resource (`*`), one bucket, or a bucket's objects. */
type ResourceNeed = { kind: "any" } | { kind: "bucket"; bucket: string } | { kind: "objects"; bucket: string };

const needs: Need[] = [
    { action: "s3:listallmybuckets", resources: () => [{ kind: "any" }] },
    { action: "s3:listbucket", resources: (buckets) => buckets.map((bucket) => ({ kind: "bucket", bucket })) },
    { action: "s3:putobject", resources: (buckets) => buckets.map((bucket) => ({ kind: "objects", bucket })) },
];

/** How the needs read in a message. */
export const openTokNeeds = "s3:ListAllMyBuckets on *, s3:ListBucket on the archive bucket and s3:PutObject on its objects (bucket/*)";

/** Where a grant goes beyond the needs, as a message may print it. */
export type Excess = string;

/**
 * What `document` grants beyond OpenTok's needs on `buckets` (the archive buckets' names): one
 * entry per extra permission, such as `s3:GetObject on arn:aws:s3:::b/*` or `s3:PutObject on *`.
 * Empty when the document grants only what is needed (or less).
 */
export function excessGrants(document: unknown, buckets: readonly string[]): Excess[] {
    const parsed = parseDocument(document);
    if (typeof parsed === "string") {
        return [parsed];
    }
    return parsed.flatMap((statement) => statementExcess(statement, buckets));
}

/** The statements of a document, or why it cannot be read (then AWS refuses it, and so does the pack). */
function parseDocument(document: unknown): Record<string, unknown>[] | string {
    let value = document;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            return "a policy document that is not valid JSON (what it grants cannot be told)";
        }
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return "a policy document that is not a JSON object (what it grants cannot be told)";
    }
    const statement = (value as Record<string, unknown>).Statement;
    const statements = statement === undefined ? [] : Array.isArray(statement) ? statement : [statement];
    if (!statements.every((s) => s !== null && typeof s === "object" && !Array.isArray(s))) {
        return "a Statement that is not an object (what it grants cannot be told)";
    }
    return statements as Record<string, unknown>[];
}

function statementExcess(statement: Record<string, unknown>, buckets: readonly string[]): Excess[] {
    // Only a Deny takes away; any other Effect is read as the Allow it could be.
    if (statement.Effect === "Deny") {
        return [];
    }
    if (statement.NotAction !== undefined) {
        return ["every action except those listed (NotAction)"];
    }
    const actions = listOf(statement.Action);
    if (statement.NotResource !== undefined) {
        return actions.length === 0 ? [] : [`${actions.map(shownAction).join(", ")} on every resource except those listed (NotResource)`];
    }
    const resources = listOf(statement.Resource);
    const excess: Excess[] = [];
    for (const action of actions) {
        const need = typeof action === "string" ? needs.find((n) => n.action === action.toLowerCase()) : undefined;
        if (need === undefined) {
            excess.push(isWildcard(action) ? `${shownAction(action)} (a wildcard: every action it matches, now and later)` : shownAction(action));
            continue;
        }
        const allowed = need.resources(buckets);
        for (const resource of resources) {
            if (!allowed.some((n) => within(resource, n))) {
                excess.push(`${shownAction(action)} on ${shownResource(resource)}`);
            }
        }
    }
    return excess;
}

/** Whether every resource `resource` matches is one the need covers. */
function within(resource: unknown, need: ResourceNeed): boolean {
    if (need.kind === "any") {
        return true;
    }
    if (typeof resource !== "string") {
        return false;
    }
    // An S3 ARN in any partition: arn:aws:s3:::bucket, arn:aws-us-gov:s3:::bucket/key...
    const match = /^arn:(aws[a-z-]*):s3:::(.*)$/.exec(resource);
    if (match === null) {
        return false;
    }
    const path = match[2]!;
    if (need.kind === "bucket") {
        return path === need.bucket;
    }
    // bucket/* covers every key of the bucket, and so every pattern that starts with "bucket/".
    return path.startsWith(`${need.bucket}/`);
}

function listOf(value: unknown): unknown[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isWildcard(action: unknown): boolean {
    return typeof action === "string" && /[*?]/.test(action);
}

// What a message may print of a document: an action or ARN as written when it has the form of
// one, so that a value pasted into the wrong place (a key, a secret) is never printed.
const actionForm = /^(\*|[a-z0-9-]{1,40}:[A-Za-z0-9*?]{1,128})$/i;
const resourceForm = /^(\*|arn:[a-z0-9*?-]{1,40}:[a-z0-9*?-]{0,40}:[a-z0-9*?-]{0,40}:[a-z0-9*?-]{0,40}:[A-Za-z0-9._\-/*?:@+=,]{0,256})$/;

function shownAction(action: unknown): string {
    return typeof action === "string" && actionForm.test(action) ? action : "an action that is not an IAM action name (not shown)";
}

function shownResource(resource: unknown): string {
    if (resource === "*") {
        return "* (every resource)";
    }
    return typeof resource === "string" && resourceForm.test(resource) ? resource : "a resource that is not an ARN (not shown)";
}

/** A managed policy's ARN as a message may print it. */
export function shownArn(arn: unknown): string {
    return typeof arn === "string" && resourceForm.test(arn) && arn !== "*" ? arn : "(an ARN that is not one, not shown)";
}
