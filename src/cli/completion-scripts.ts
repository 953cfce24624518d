/**
 * Shell completion scripts generated from the commander program itself (`blindfold completion`):
 * commands, subcommands and options are read off the declarations in definitions.ts when the
 * script is printed, so the script is never older than the CLI that printed it. Secret names are
 * completed by calling `blindfold list --json` when asked (names only: that listing holds no
 * values), with stdin closed so a vault behind a passphrase never prompts inside a completion.
 */
import type { Command } from 'commander';

/** What an option's value or a command's first argument completes to. */
type ValueKind = 'any' | 'file' | 'secret';

interface OptionSpec {
  names: string[];
  description: string;
  value: ValueKind | undefined; // undefined: a flag, which takes no value
}

interface CommandSpec {
  /** Space-joined path below the program: '' for the program itself, 'tasks list'. */
  path: string;
  subcommands: Array<{ name: string; description: string }>;
  options: OptionSpec[];
  argument: ValueKind | undefined;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const HELP: OptionSpec = { names: ['-h', '--help'], description: 'display help for command', value: undefined };

/** Options named `--secret` take a secret name; a value named <file>, <dir> or <path> is a path. */
function optionSpec(o: Command['options'][number]): OptionSpec {
  const names = [o.short, o.long].filter((n): n is string => typeof n === 'string');
  const takesValue = o.required || o.optional;
  const value: ValueKind | undefined = !takesValue ? undefined : o.long === '--secret' ? 'secret' : /<(?:file|dir|path)>/.test(o.flags) ? 'file' : 'any';
  return { names, description: o.description, value };
}

/** A first argument called <name> or <old> is a secret name; <file> a path. */
function argumentKind(cmd: Command): ValueKind | undefined {
  const first = cmd.registeredArguments[0]?.name();
  if (first === 'name' || first === 'old') return 'secret';
  return first === 'file' ? 'file' : undefined;
}

/** Every command below `cmd` (each alias as a path of its own), `cmd` first. */
function commandSpecs(cmd: Command, path: string[] = []): CommandSpec[] {
  const own: CommandSpec = {
    path: path.join(' '),
    subcommands: cmd.commands.flatMap((c) => [c.name(), ...c.aliases()].map((name) => ({ name, description: c.description() }))),
    options: [...cmd.options.filter((o) => !o.hidden).map(optionSpec), HELP],
    argument: argumentKind(cmd),
  };
  return [own, ...cmd.commands.flatMap((c) => [c.name(), ...c.aliases()].flatMap((name) => commandSpecs(c, [...path, name])))];
}

/** The program's options that every command accepts (--home, ...), not --help or --version. */
const globals = (root: CommandSpec) => root.options.filter((o) => o !== HELP && !o.names.includes('--version'));

/** Single-quoted for bash and zsh. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** Single-quoted for fish (which also reads \\ inside). */
const fq = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** Descriptions as one short line. */
const brief = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
};

/** `'set|--env') echo any ;;`: one case per option that takes a value. */
function valueCases(specs: CommandSpec[], indent: string): string[] {
  return specs.flatMap((s) => s.options.filter((o) => o.value).map((o) => `${indent}${o.names.map((n) => sq(`${s.path}|${n}`)).join('|')}) echo ${o.value} ;;`));
}

/**
 * The shared walk, in bash and zsh alike: the words before the cursor give the command path, the
 * option awaiting a value, the number of positionals and a --home to pass on to `list`.
 */
function walk(words: string, first: number, last: string): string {
  return `  local cmdpath='' word expect='' args=0 dashdash=0 i
  local -a home
  for (( i = ${first}; i < ${last}; i++ )); do
    word=${words}
    if [[ -n $expect ]]; then
      [[ $expect == --home ]] && home=(--home "$word")
      expect=''
    elif (( dashdash )); then
      args=$((args + 1))
    elif [[ $word == -- ]]; then
      dashdash=1
    elif [[ $word == --home=* ]]; then
      home=(--home "\${word#--home=}")
    elif [[ $word == -* ]]; then
      [[ $word != *=* && -n $(_blindfold_value "$cmdpath" "$word") ]] && expect=$word
    elif (( args == 0 )) && [[ " $(_blindfold_commands "$cmdpath") " == *" $word "* ]]; then
      cmdpath=\${cmdpath:+$cmdpath }$word
    else
      args=$((args + 1))
    fi
  done`;
}

/** Helpers common to bash and zsh: subcommand names, option names, and what an option's value is. */
function posixTables(specs: CommandSpec[]): string {
  const root = specs.find((s) => s.path === '')!;
  return `_blindfold_commands() {
  case "$1" in
${specs.filter((s) => s.subcommands.length).map((s) => `    ${sq(s.path)}) echo ${sq(s.subcommands.map((c) => c.name).join(' '))} ;;`).join('\n')}
  esac
}

_blindfold_options() {
  case "$1" in
${specs.map((s) => `    ${sq(s.path)}) echo ${sq([...s.options, ...(s === root ? [] : globals(root))].flatMap((o) => o.names).join(' '))} ;;`).join('\n')}
  esac
}

# What the value of option $2 under command $1 is (any, file, secret); nothing for a flag.
_blindfold_value() {
  case "$1|$2" in
${valueCases(specs, '    ').join('\n')}
    *) case "|$2" in
${valueCases([root], '         ').join('\n')}
       esac ;;
  esac
}

_blindfold_argument() {
  case "$1" in
${specs.filter((s) => s.argument).map((s) => `    ${sq(s.path)}) echo ${s.argument} ;;`).join('\n')}
  esac
}

# Secret names only (list --json holds no values); stdin closed so a passphrase is never asked for.
_blindfold_secrets() {
  command blindfold "$@" list --json </dev/null 2>/dev/null | sed -n 's/^      "name": "\\([A-Za-z][A-Za-z0-9_]*\\)",\\{0,1\\}$/\\1/p'
}`;
}

function bashScript(specs: CommandSpec[]): string {
  return `# bash completion for blindfold, generated by \`blindfold completion bash\`.
# Load it with: eval "$(blindfold completion bash)"   (e.g. in ~/.bashrc)

${posixTables(specs)}

_blindfold() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
${walk('${COMP_WORDS[i]}', 1, 'COMP_CWORD')}
  COMPREPLY=()
  local kind
  if [[ -n $expect ]]; then
    kind=$(_blindfold_value "$cmdpath" "$expect")
  elif (( dashdash )); then
    if (( args == 0 )); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return 0
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_blindfold_options "$cmdpath")" -- "$cur"))
    return 0
  elif (( args == 0 )) && [[ -n $(_blindfold_commands "$cmdpath") ]]; then
    COMPREPLY=($(compgen -W "$(_blindfold_commands "$cmdpath")" -- "$cur"))
    return 0
  elif (( args == 0 )); then
    kind=$(_blindfold_argument "$cmdpath")
  fi
  case $kind in
    file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    secret) COMPREPLY=($(compgen -W "$(_blindfold_secrets "\${home[@]}")" -- "$cur")) ;;
  esac
  return 0
}

complete -F _blindfold blindfold
`;
}

function zshScript(specs: CommandSpec[]): string {
  const described = (items: Array<{ name: string; description: string }>) => items.map((i) => sq(`${i.name.replace(/:/g, '\\:')}:${brief(i.description)}`)).join(' ');
  const root = specs.find((s) => s.path === '')!;
  return `#compdef blindfold
# zsh completion for blindfold, generated by \`blindfold completion zsh\`.
# Save it as _blindfold in a folder of $fpath, or: eval "$(blindfold completion zsh)" after compinit.

${posixTables(specs)}

# Subcommands ($1 = command path) and options, with their descriptions, into $reply.
_blindfold_described_commands() {
  case "$1" in
${specs.filter((s) => s.subcommands.length).map((s) => `    ${sq(s.path)}) reply=(${described(s.subcommands)}) ;;`).join('\n')}
  esac
}

_blindfold_described_options() {
  case "$1" in
${specs.map((s) => `    ${sq(s.path)}) reply=(${described([...s.options, ...(s === root ? [] : globals(root))].flatMap((o) => o.names.map((name) => ({ name, description: o.description }))))}) ;;`).join('\n')}
  esac
}

_blindfold() {
${walk('${words[i]}', 2, 'CURRENT')}
  local cur=\${words[CURRENT]} kind
  local -a reply names
  if [[ -n $expect ]]; then
    kind=$(_blindfold_value "$cmdpath" "$expect")
  elif (( dashdash )); then
    if (( args == 0 )); then _command_names -e; else _files; fi
    return
  elif [[ $cur == -* ]]; then
    _blindfold_described_options "$cmdpath"
    _describe -t options option reply
    return
  elif (( args == 0 )) && [[ -n $(_blindfold_commands "$cmdpath") ]]; then
    _blindfold_described_commands "$cmdpath"
    _describe -t commands command reply
    return
  elif (( args == 0 )); then
    kind=$(_blindfold_argument "$cmdpath")
  fi
  case $kind in
    file) _files ;;
    secret) names=(\${(f)"$(_blindfold_secrets "\${home[@]}")"}); compadd -a names ;;
  esac
}

if [[ "\${funcstack[1]}" == _blindfold ]]; then
  _blindfold "$@"
else
  compdef _blindfold blindfold
fi
`;
}

function fishScript(specs: CommandSpec[]): string {
  const lines: string[] = [];
  const root = specs.find((s) => s.path === '')!;
  const condition = (path: string) => `-n ${fq(`__blindfold_at ${fq(path)}`)}`;
  const option = (o: OptionSpec, where: string) => {
    const flags = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
    const value = o.value === 'file' ? ' -r -F' : o.value === 'secret' ? " -x -a '(__blindfold_secrets)'" : o.value ? ' -x' : '';
    return `complete -c blindfold ${where}${flags}${value} -d ${fq(brief(o.description))}`;
  };
  for (const s of specs) {
    for (const c of s.subcommands) lines.push(`complete -c blindfold ${condition(s.path)} -a ${fq(c.name)} -d ${fq(brief(c.description))}`);
    for (const o of s === root ? [] : s.options) lines.push(option(o, `${condition(s.path)} `));
    if (s.argument === 'secret') lines.push(`complete -c blindfold ${condition(s.path)} -a '(__blindfold_secrets)'`);
    if (s.argument === 'file') lines.push(`complete -c blindfold ${condition(s.path)} -F`);
  }
  for (const o of root.options) lines.push(option(o, ''));
  const pairs = (items: string[]) => items.map(fq).join(' ');
  return `# fish completion for blindfold, generated by \`blindfold completion fish\`.
# Save it as ~/.config/fish/completions/blindfold.fish

set -g __blindfold_subcommands ${pairs(specs.flatMap((s) => s.subcommands.map((c) => `${s.path}|${c.name}`)))}
set -g __blindfold_value_options ${pairs(specs.flatMap((s) => s.options.filter((o) => o.value).flatMap((o) => o.names.map((n) => `${s.path}|${n}`))))}

# The command path of the line being completed ('' for blindfold itself, 'tasks list').
function __blindfold_path
    set -l cmdpath ''
    set -l expect 0
    set -l words (commandline -opc)
    set -e words[1]
    for word in $words
        if test $expect = 1
            set expect 0
        else if string match -q -- '--' $word
            break
        else if string match -q -- '-*' $word
            if not string match -q -- '*=*' $word; and begin; contains -- "$cmdpath|$word" $__blindfold_value_options; or contains -- "|$word" $__blindfold_value_options; end
                set expect 1
            end
        else if contains -- "$cmdpath|$word" $__blindfold_subcommands
            set cmdpath (string trim -- "$cmdpath $word")
        else
            break
        end
    end
    echo $cmdpath
end

function __blindfold_at
    test (__blindfold_path) = "$argv[1]"
end

# Secret names only (list --json holds no values); stdin closed so a passphrase is never asked for.
function __blindfold_secrets
    command blindfold list --json </dev/null 2>/dev/null | string replace -r -f '^      "name": "([A-Za-z][A-Za-z0-9_]*)",?$' '$1'
end

complete -c blindfold -f
${lines.join('\n')}
`;
}

export function completionScript(shell: Shell, program: Command): string {
  const specs = commandSpecs(program);
  if (shell === 'bash') return bashScript(specs);
  return shell === 'zsh' ? zshScript(specs) : fishScript(specs);
}
