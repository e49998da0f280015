// Jest's globalSetup, for every jest configuration: the suites run providers/dist (through
// Pulumi's provider host, the programs, the local example), which must be built from the sources
// as they are, not from an edit ago.

import { buildIfStale } from "./providers-build";

export default buildIfStale;
