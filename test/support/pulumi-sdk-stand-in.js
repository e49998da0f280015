// Stands in for @pulumi/pulumi in `npm run test:mutation` only. Those suites call the provider,
// never a resource class; loading the SDK costs about a second per test file, and Stryker loads
// every test file again for each mutant. Any member is a class, so `extends pulumi.X` still loads.
module.exports = new Proxy({}, { get: (_target, name) => (name === "__esModule" ? true : class {}) });
