package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pfs-update's options are checked before the path is even resolved: bad ones never touch a store. */
class PfsUpdateCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sync-beg-tid=xyz | option sync-beg-tid: invalid TID 'xyz', expected hexadecimal",
        "sync-end-tid=0x | option sync-end-tid: invalid TID '0x', expected hexadecimal",
        "shared-uuid=nope | option shared-uuid: error parsing uuid nope",
        "unique-uuid=123 | option unique-uuid: error parsing uuid 123",
        "label=\"open | option label: malformed string",
        "label=12345678901234567890123456789012345678901234567890123456789012345"
                + " | option label: too long (65 bytes), 64 byte limit",
        "snapshots=rel/dir | option snapshots: 'rel/dir' must be an absolute path",
        "snapshots= | option snapshots: '' must be an absolute path; use 'snapshots-clear' to unset the snapshots dir",
        "snapshots=/123456789012345678901234567890123456789012345678901234567890123"
                + " | option snapshots: path too long (64 bytes), must be shorter than 64",
        "snapshots-clear=1 | option snapshots-clear takes no value: '1'",
        "prune-min=3w | option prune-min=3w: illegal time spec, use Nd or [Nd/]hh[:mm[:ss]]",
        "colour=red | invalid option: colour",
        "label | option label requires an assignment",
    })
    void malformedOptionIsAUsageErrorNamingPathAndOption(String option, String message) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "pfs-update", "/no/such/store/pfs/test", option);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("hammer: pfs-update /no/such/store/pfs/test: " + message
                + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }
}
