package org.hammer.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.Test;

class ShellWordsTest {
    @Test
    void quotesOnlyWordsThatNeedIt() {
        assertThat(ShellWords.quote("/Backup2/pfs/test")).isEqualTo("/Backup2/pfs/test");
        assertThat(ShellWords.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellWords.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellWords.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
        assertThat(ShellWords.quote("")).isEqualTo("''");
    }

    @Test
    void splitUndoesJoin() {
        List<String> words = List.of("hammer", "-2", "mirror-write", "/a b/it's", "", "x\"y", "$HOME", "\\");
        assertThat(ShellWords.split(ShellWords.join(words))).isEqualTo(words);
    }

    @Test
    void splitHonoursDoubleQuotesAndBackslashesWithoutExpanding() {
        assertThat(ShellWords.split("  hammer \"a \\\"b\\\" $c\"  d\\ e ")).containsExactly("hammer", "a \"b\" $c",
                "d e");
    }

    @Test
    void splitRefusesUnterminatedQuotes() {
        assertThatThrownBy(() -> ShellWords.split("hammer 'x")).isInstanceOf(HammerException.class);
        assertThatThrownBy(() -> ShellWords.split("hammer \"x")).isInstanceOf(HammerException.class);
    }
}
