// One linter, run by `npm test`. Formatting is prettier's job (`npm run lint` checks both).
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", ".toolchain/", "bin/", "coverage/", ".pulumi/", "providers/dist/", "reports/", ".stryker-tmp/"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            "@typescript-eslint/no-non-null-assertion": "off",
            eqeqeq: ["error", "always"],
            "no-console": ["error", { allow: ["error"] }],
        },
    },
    {
        files: ["test/**/*.ts", "**/*.js", "**/*.mjs"],
        rules: { "no-console": "off", "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                module: "readonly",
                exports: "writable",
                require: "readonly",
                process: "readonly",
                __dirname: "readonly",
                globalThis: "readonly",
            },
        },
    },
);
