import { Bash, type Command, type IFileSystem } from "just-bash";

/** An entry of just-bash's command registry (its shape is just-bash's own; tsbuild never builds one). */
type Registered = object;

/**
 * just-bash's bundled commands (sed, grep, awk, ...) as its registry holds them, taken once per
 * process from a Bash that registered them: every step's registry falls back to these instead
 * of registering a hundred of them per RUN. They keep no state of their own (a command's code is
 * loaded on first use into just-bash's module-wide cache); all they use comes with the context.
 */
let bundled: ReadonlyMap<string, Registered> | undefined;

function bundledCommands(): ReadonlyMap<string, Registered> {
  if (bundled) return bundled;
  // No writeFileSync: just-bash lays out no default tree and writes no command stubs into it.
  const nothing = {} as IFileSystem;
  const prototype = new Bash({ fs: nothing, cwd: "/", defenseInDepth: false });
  bundled = new Map((prototype as unknown as { commands: Map<string, Registered> }).commands);
  return bundled;
}

/**
 * The command registry of one RUN's shell (just-bash reads it as a Map: get, has, keys). Every
 * name that means a program to the step resolves to tsbuild's dispatcher, registered when the
 * name is first asked for instead of up front: the names of just-bash's bundled commands, the
 * shell's own builtins, and what `onPath` finds in the image's PATH directories when asked (as
 * `command -v` and `type` look there); `ensure` registers any other name (the resolver hook
 * does, for every command word it resolves). A dispatcher that stands in for a bundled command
 * keeps it as just-bash's original (`ctx.origCommand`), as registering over it does.
 */
export class CommandRegistry extends Map<string, Registered> {
  /** The name whose dispatcher is being registered: just-bash asks for what it replaces. */
  private registering?: string;
  private readonly bundled = bundledCommands();

  constructor(
    private readonly knows: (name: string) => boolean,
    private readonly onPath: (name: string) => boolean,
    private readonly listPath: () => Iterable<string>,
    private readonly dispatcher: (name: string) => Command,
    private readonly register: (command: Command) => void,
  ) {
    super();
  }

  /** Make sure `name` has a dispatcher. */
  ensure(name: string): void {
    if (!name || super.has(name)) return;
    this.registering = name;
    try {
      this.register(this.dispatcher(name));
    } finally {
      this.registering = undefined;
    }
  }

  private covers(name: string): boolean {
    return this.bundled.has(name) || this.knows(name) || this.onPath(name);
  }

  override get(name: string): Registered | undefined {
    if (name === this.registering) return super.get(name) ?? this.bundled.get(name);
    if (!super.has(name)) {
      if (!this.covers(name)) return undefined;
      this.ensure(name);
    }
    return super.get(name);
  }

  override has(name: string): boolean {
    return super.has(name) || this.covers(name);
  }

  /** Every name at once (`compgen -c`, a command's getRegisteredCommands): all registered first. */
  private all(): void {
    for (const name of this.bundled.keys()) this.ensure(name);
    for (const name of this.listPath()) this.ensure(name);
  }

  override get size(): number {
    this.all();
    return super.size;
  }
  override keys(): MapIterator<string> {
    this.all();
    return super.keys();
  }
  override values(): MapIterator<Registered> {
    this.all();
    return super.values();
  }
  override entries(): MapIterator<[string, Registered]> {
    this.all();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, Registered]> {
    return this.entries();
  }
  override forEach(fn: (value: Registered, key: string, map: Map<string, Registered>) => void, thisArg?: unknown): void {
    this.all();
    super.forEach(fn, thisArg);
  }
}
