export { goTime } from "./time.js";
export { humanSize, humanDuration, ellipsis, tabwrite, renderTemplate, goIndentJSON, goFormatG, renderRows, TemplateError } from "./format.js";
export { goQuote, goQuoteSlice, goSlice, goQuoteRune, goDuration } from "./gofmt.js";
