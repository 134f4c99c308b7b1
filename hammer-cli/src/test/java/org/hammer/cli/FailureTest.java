package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.hammer.core.HammerException;
import org.hammer.core.HammerException.Kind;
import org.junit.jupiter.api.Test;

class FailureTest {

    @Test
    void prefixesTheObjectAndKeepsTheKind() {
        HammerException e = Failure.about("s/pfs/x", HammerException.notFound("PFS#3: no such PFS"));

        assertThat(e.getMessage()).isEqualTo("s/pfs/x: PFS#3: no such PFS");
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void leavesMessagesThatAlreadyNameTheObjectAlone() {
        HammerException original = HammerException.refused("/tmp/s: directory is not empty");

        assertThat(Failure.about("/tmp/s", original)).isSameAs(original);
        assertThat(Failure.about("/tmp", original).getMessage()).isEqualTo("/tmp: /tmp/s: directory is not empty");
    }
}
