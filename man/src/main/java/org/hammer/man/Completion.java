package org.hammer.man;

import java.util.Set;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The bash completion script: picocli's, with hammer's ways added. Options may come before the
 * command, as with hammer(8) ({@code hammer -v mir<TAB>}): a wrapper completes as if they were not
 * there. {@code -v} takes no value (picocli reads its repeatable flag as an option with one). A
 * completed {@code KEY=} word gets no space after it, so its value follows.
 */
final class Completion {
    /** hammer's options that take the next word as their value (LeadingOptions.WITH_VALUE). */
    static final Set<String> WITH_VALUE =
            Set.of("-b", "-S", "-i", "-t", "-p", "-e", "-c", "-R", "-T", "--zstd-level", "--retry");

    private Completion() {
    }

    static String bash(CommandLine hammer) {
        String script = AutoComplete.bash("hammer", hammer)
                .replace(" '-v' '--verbose'\"", "\"")
                .replace("\"'-v' '--verbose'\"", "\"\"")
                .replace("'-h' '--help'\"", "'-h' '--help' '-v' '--verbose'\"")
                .replace("    '-v'|'--verbose')\n      return\n      ;;\n", "");
        String commands = String.join(" ", hammer.getSubcommands().keySet());
        String values = WITH_VALUE.stream().sorted().collect(Collectors.joining("|"));
        return script + """

                # hammer(8) takes its options before the command: complete the words after them as if
                # they were not there, and offer the commands right after them.
                function _hammer_leading() {
                  local i=1
                  while (( i < COMP_CWORD )) && [[ "${COMP_WORDS[i]}" == -* ]]; do
                    case "${COMP_WORDS[i]}" in
                      %s) (( i++ )) ;;
                    esac
                    (( i++ ))
                  done
                  if (( i > 1 )); then
                    if (( i == COMP_CWORD )) && [[ "${COMP_WORDS[COMP_CWORD]}" != -* ]]; then
                      COMPREPLY=( $(compgen -W "%s" -- "${COMP_WORDS[COMP_CWORD]}") )
                      return 0
                    fi
                    COMP_WORDS=("${COMP_WORDS[0]}" "${COMP_WORDS[@]:i}")
                    COMP_CWORD=$(( COMP_CWORD - i + 1 ))
                    COMP_LINE="${COMP_WORDS[*]}"
                  fi
                  _complete_hammer "$@"
                  local status=$?
                  if (( ${#COMPREPLY[@]} > 0 )) && [[ "${COMPREPLY[0]}" == *= ]]; then
                    type compopt &>/dev/null && compopt -o nospace
                  fi
                  return $status
                }

                complete -F _hammer_leading -o default hammer hammer.sh ./hammer
                """.formatted(values, commands);
    }
}
