import type { TransformPlugin } from "just-bash";
import { editAstNodes } from "./ast-nodes.js";
import { giveWords } from "./for-positional.js";
import { unbraceWord } from "./posix-words.js";

/**
 * tsbuild's edits of every script before it runs, in one walk of its AST: ash's and dash's
 * words without brace expansion (posix-words.ts, when `posix()` says the script about to start
 * is theirs) and `for f; do` given its words (for-positional.ts).
 */
export function tsbuildWords(posix: () => boolean): TransformPlugin {
  return {
    name: "tsbuild-words",
    transform: ({ ast }) => {
      const unbrace = posix();
      editAstNodes(ast, (node) => {
        if (unbrace) unbraceWord(node);
        giveWords(node);
      });
      return { ast };
    },
  };
}
