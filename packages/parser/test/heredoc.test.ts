// Heredocs as BuildKit's Dockerfile parser accepts them (Docker 20.10's classic builder
// has none; the parser records them so the builder can decide).

import { DockerfileParseError, chompHeredoc, parseDockerfile, type Instruction } from "@tsbuild/parser";
import { describe, expect, it } from "vitest";

const S = "FROM scratch\n";
const body = (text: string): Instruction[] => parseDockerfile(S + text).all.slice(1);

describe("heredocs", () => {
  it("RUN <<EOF takes the following lines up to the terminator", () => {
    const [run, next] = body("RUN <<EOF\necho hi\n  echo $HOME\nEOF\nRUN after\n");
    expect(run).toMatchObject({ original: "RUN <<EOF", args: ["<<EOF"], startLine: 2, endLine: 5 });
    expect(run.heredocs).toEqual([{ name: "EOF", content: "echo hi\n  echo $HOME\n", expand: true, chomp: false }]);
    expect(next).toMatchObject({ original: "RUN after", startLine: 6 });
  });

  it("keeps comment-like and blank lines of the body as they are", () => {
    const [run] = body("RUN <<EOF\n# not a comment\n\necho a \\\nEOF\n");
    expect(run.heredocs[0].content).toBe("# not a comment\n\necho a \\\n");
  });

  it("<<- strips tabs from the terminator line; the body keeps them until used", () => {
    const [run] = body("RUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\n");
    expect(run.heredocs[0]).toMatchObject({ chomp: true, content: "\techo a\n\t\techo b\n" });
    expect(chompHeredoc(run.heredocs[0].content)).toBe("echo a\necho b\n");
  });

  it("a quoted name turns expansion off", () => {
    const names = body("RUN <<'A'\nA\nRUN <<\"B\"\nB\nRUN <<C\"C\"\nCC\nRUN <<D\nD\n").map((r) => r.heredocs[0]);
    expect(names.map((h) => [h.name, h.expand])).toEqual([
      ["A", false],
      ["B", false],
      ["CC", false],
      ["D", true],
    ]);
  });

  it("several heredocs in one line are read in order", () => {
    const [copy] = body("COPY <<FILE1 <<FILE2 /dest/\ncontent 1\nFILE1\ncontent 2\nFILE2\n");
    expect(copy.args).toEqual(["<<FILE1", "<<FILE2", "/dest/"]);
    expect(copy.heredocs.map((h) => [h.name, h.content])).toEqual([
      ["FILE1", "content 1\n"],
      ["FILE2", "content 2\n"],
    ]);
  });

  it("COPY <<EOF /file, a command after the operator, a file descriptor, blanks after <<", () => {
    const [copy, py, fd, spaced] = body(
      "COPY <<EOF /etc/app.conf\nkey=value\nEOF\nRUN <<PY python3\nprint(1)\nPY\nRUN 3<<X cat /dev/fd/3\nx\nX\nRUN <<  END > out\nEND\n",
    );
    expect(copy.heredocs[0]).toMatchObject({ name: "EOF", content: "key=value\n" });
    expect(py).toMatchObject({ args: ["<<PY python3"], heredocs: [{ name: "PY", content: "print(1)\n" }] });
    expect(fd.heredocs[0]).toMatchObject({ name: "X", fileDescriptor: 3 });
    expect(spaced.heredocs[0]).toMatchObject({ name: "END", content: "" });
  });

  it("only RUN, COPY and ADD in shell form (and ONBUILD of them) take heredocs", () => {
    const df = parseDockerfile(S + 'USER <<A\nRUN ["<<B"]\nRUN "<<C"\n');
    expect(df.all.slice(1).map((i) => [i.keyword, i.heredocs.length])).toEqual([
      ["USER", 0],
      ["RUN", 0],
      ["RUN", 0],
    ]);
    const [onbuild] = body("ONBUILD RUN <<EOF\necho hi\nEOF\n");
    expect(onbuild.heredocs).toHaveLength(1);
    expect(onbuild.onbuild?.heredocs).toHaveLength(1);
    expect(onbuild.trigger).toBe("RUN <<EOF\necho hi\nEOF");
  });

  it("a variable in the name stays as written", () => {
    expect(body("RUN <<$EOF\n$EOF\n")[0].heredocs[0].name).toBe("$EOF");
  });

  it("keeps CRLF line endings in the body", () => {
    expect(body("RUN <<EOF\r\necho hi\r\nEOF\r\n")[0].heredocs[0].content).toBe("echo hi\r\n");
  });

  it("an unterminated heredoc is an error", () => {
    let error: unknown;
    try {
      parseDockerfile(S + "RUN a\nRUN <<EOF\necho never ends\n");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DockerfileParseError);
    expect(error).toMatchObject({
      code: "syntax",
      message: "failed to parse Dockerfile: unterminated heredoc",
      line: 3,
      endLine: 4,
    });
  });

  it("a line BuildKit cannot split into words opens no heredoc", () => {
    // The unbalanced quote makes the whole line unsplittable, so EOF is read as an instruction.
    expect(() => parseDockerfile(S + "RUN <<EOF'\nEOF\n")).toThrow("dockerfile parse error line 3: unknown instruction: EOF");
  });
});
