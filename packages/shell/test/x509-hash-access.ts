// The subject hash is internal to the shell package; tests reach it through its source file.
export { subjectHash as subjectHashOf } from "../src/util/x509-name-hash.js";
