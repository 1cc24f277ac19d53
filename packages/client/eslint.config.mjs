// The repository's lint rules, plus what keeps the main entry a browser library: no Node-only
// import outside src/node.ts (the '@agent-protocol/client/node' entry). The browser test proves
// it by bundling the main entry for the browser; this says so at the line that breaks it.
import root from '../../eslint.config.mjs';

export default [
  ...root,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/node.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^node:',
              message:
                "The main entry runs in browsers: Node-only code goes in src/node.ts ('@agent-protocol/client/node').",
            },
          ],
        },
      ],
    },
  },
];
