// The serialized provider carries the implementation compressed (providers/compact-provider.ts):
// searches of `__provider` for secrets must look inside it too.

import * as zlib from "zlib";

/** The `__provider` text followed by every compressed bundle in it, decompressed. */
export function readableProviderText(providerText: string): string {
    const bundles = (providerText.match(/"[A-Za-z0-9+/]{200,}={0,2}"/g) ?? []).map((quoted) =>
        zlib.brotliDecompressSync(Buffer.from(quoted.slice(1, -1), "base64")).toString("utf8"),
    );
    if (bundles.length === 0) {
        throw new Error("no compressed implementation found in __provider");
    }
    return [providerText, ...bundles].join("\n");
}
