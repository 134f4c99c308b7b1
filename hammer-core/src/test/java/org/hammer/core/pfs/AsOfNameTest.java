package org.hammer.core.pfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AsOfNameTest {

    /**
     * Each well-formed component, what it parses to (name, TID or -1, PFS or -1), and its printed
     * form (TID 0xffffffffffffffff is HAMMER's MAX_TID, which -1 stands for).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        // component                         | name  | tid                  | pfs   | formatted
        "file@@0x0000000100000003            | file  | 0x0000000100000003   | -1    | file@@0x0000000100000003",
        "file@@0x00000001000000Ab            | file  | 0x00000001000000ab   | -1    | file@@0x00000001000000ab",
        "file@@-1                            | file  | -1                   | -1    | file@@-1",
        "@@0x0000000100000003                | ''    | 0x0000000100000003   | -1    | @@0x0000000100000003",
        "@@-1                                | ''    | -1                   | -1    | @@-1",
        "@@-1:00001                          | ''    | -1                   | 1     | @@-1:00001",
        "@@0x0000000100000003:00012          | ''    | 0x0000000100000003   | 12    | @@0x0000000100000003:00012",
        "@@PFS00007                          | ''    | -1                   | 7     | @@-1:00007",
        "a.b c@@0xffffffffffffffff           | a.b c | 0xffffffffffffffff   | -1    | a.b c@@-1",
    })
    void parsesEveryHammerForm(String component, String name, String tid, int pfs, String formatted) {
        long t = tid.equals("-1") ? Tid.MAX : Tid.parseHex(tid);

        AsOfName n = AsOfName.parse(component);

        assertThat(n).isEqualTo(new AsOfName(name, t, pfs));
        assertThat(n.format()).isEqualTo(formatted);
        assertThat(AsOfName.parse(n.format())).as("format then parse").isEqualTo(n);
        assertThat(AsOfName.tryParse(component)).isEqualTo(n);
    }

    /** Each malformed component, with the reason it is refused. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "file@@0xZZ",                       // not hex
        "file@@0x",                         // no digits
        "file@@0x1",                        // fewer than 16 digits
        "file@@0x00000001000000030",        // more than 16
        "file@@0X0000000100000003",         // 0X
        "file@@0x0000000100000003x",        // trailing junk
        "file@@0x1:abc",                    // PFS id not digits
        "file@@-2",                         // only -1 is special
        "file@@",                           // nothing after @@
        "file@@-1:00001",                   // a PFS id after a name
        "@@-1:0001",                        // 4 digits
        "@@-1:000001",                      // 6 digits
        "@@0x0000000100000003:",            // empty PFS id
        "x@@PFS00001",                      // a stored link text after a name
        "@@PFS1",                           // short stored link
        "a@@b@@-1",                         // two @@
        "x@@y",
    })
    void refusesAnythingElseWithAtAt(String component) {
        assertThat(AsOfName.tryParse(component)).isNull();
        assertThatThrownBy(() -> AsOfName.parse(component)).isInstanceOfSatisfying(HammerException.class,
                e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.USAGE))
                .hasMessageStartingWith("invalid TID: " + component + " (");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file@@0x0000000000000000", "@@0x0000000000000000:00001"})
    void tidZeroNamesNoState(String component) {
        assertThatThrownBy(() -> AsOfName.parse(component)).isInstanceOf(HammerException.class)
                .hasMessage("invalid TID: " + component + " (0 is no TID: the first is 0x0000000100000000)");
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"file", "", ".", "a@b", "a@", "@", "file@0x0000000100000003"})
    void aComponentWithoutAtAtIsAnOrdinaryName(String component) {
        assertThat(AsOfName.parse(component)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"@@PFS00001, 1", "@@PFS99999, 99999", "@@PFS0001, -1", "@@-1:00001, -1", "x@@PFS00001, -1",
        "@@PFS00001/, -1"})
    void aStoredLinkNamesItsPfs(String text, int pfs) {
        assertThat(AsOfName.linkedPfs(text)).isEqualTo(pfs);
        if (pfs >= 0) {
            assertThat(AsOfName.storedLink(pfs)).isEqualTo(text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/s/pfs/test@@0xZZ/file", "s/pfs/test/f@@-2", "s/@@-1:1/x"})
    void checkingAPathNamesThePathAndTheComponent(String path) {
        assertThatThrownBy(() -> AsOfName.check(path)).isInstanceOf(HammerException.class)
                .hasMessageStartingWith(path + ": invalid TID: ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/s/pfs/test@@0x0000000100000003/file", "s/@@-1:00001/x", "plain/path", "/",
        "s/pfs/@@PFS00001"})
    void checkingAWellFormedPathPasses(String path) {
        AsOfName.check(path);
    }
}
