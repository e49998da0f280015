// Where the servers of `npm run local` listen and what they accept, unless told otherwise by the
// environment (README, "Try it locally"). The example's program defaults to the same values.

export const localServers = {
    /** OPENTOK_EMULATOR_PORT */
    emulatorPort: 3900,
    /** OPENTOK_EMULATOR_PROJECTS: the first project is the one the example sets. */
    apiKey: "12345678",
    apiSecret: "emulator-secret",
    /** OPENTOK_LOCAL_S3_PORT */
    s3Port: 4568,
    /** OPENTOK_LOCAL_S3_BUCKET */
    bucket: "local-archives",
    /**
     * s3rver's built-in access key, the only one it knows. It does not check SigV4 signatures, so
     * any secret works; this one differs from the access key, which the provider's check requires.
     */
    s3AccessKey: "S3RVER",
    s3SecretKey: "local-s3-secret",
} as const;
