package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hammer.core.HammerException;
import org.junit.jupiter.api.Test;

class NewfsCommandTest {

    @Test
    void sizesTakeBinarySuffixes() {
        assertThat(NewfsCommand.parseSize("1048576", "--max-size")).isEqualTo(1L << 20);
        assertThat(NewfsCommand.parseSize("64k", "--max-size")).isEqualTo(64L << 10);
        assertThat(NewfsCommand.parseSize("10M", "--max-size")).isEqualTo(10L << 20);
        assertThat(NewfsCommand.parseSize("2g", "--max-size")).isEqualTo(2L << 30);
        assertThat(NewfsCommand.parseSize("1t", "--max-size")).isEqualTo(1L << 40);
    }

    @Test
    void badSizesAreUsageErrors() {
        for (String bad : new String[] {"", "0", "-1", "1x", "k", "99999999999t"}) {
            assertThatThrownBy(() -> NewfsCommand.parseSize(bad, "--max-size")).as(bad)
                    .isInstanceOfSatisfying(HammerException.class,
                            e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.USAGE))
                    .hasMessageContaining("--max-size " + bad + ": expected a positive size");
        }
    }
}
