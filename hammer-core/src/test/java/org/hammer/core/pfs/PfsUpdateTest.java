package org.hammer.core.pfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.HammerException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PfsUpdateTest {

    private static final UUID SHARED = UUID.fromString("9043570e-b3d9-11de-9bef-011617202aa6");
    private static final UUID UNIQUE = UUID.fromString("9043574c-b3d9-11de-9bef-011617202aa6");

    private static PfsConfig master(int id) {
        return new PfsConfig(id, PfsMode.MASTER, 1, 1, SHARED, UNIQUE, "", null, 0, null, List.of());
    }

    private static PfsConfig apply(String... options) {
        return PfsUpdate.parse(List.of(options)).applyTo(master(3));
    }

    private static void assertUsage(String option, String message) {
        assertThatThrownBy(() -> PfsUpdate.parse(List.of(option)))
                .isInstanceOfSatisfying(HammerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.USAGE))
                .hasMessage(message);
    }

    @Test
    void syncTidsAreHexWithOrWithoutPrefix() {
        PfsConfig c = apply("sync-beg-tid=0x0000000100000010", "sync-end-tid=100000020");

        assertThat(c.syncBegTid()).isEqualTo(0x100000010L);
        assertThat(c.syncEndTid()).isEqualTo(0x100000020L);
    }

    @Test
    void malformedTidIsAUsageErrorNamingTheOption() {
        assertUsage("sync-beg-tid=zz", "option sync-beg-tid: invalid TID 'zz', expected hexadecimal");
        assertUsage("sync-end-tid=", "option sync-end-tid: invalid TID '', expected hexadecimal");
    }

    @Test
    void uuidsAreSetAndValidated() {
        UUID other = UUID.fromString("00000000-1111-2222-3333-444444444444");

        PfsConfig c = apply("shared-uuid=" + other, "unique-uuid=" + other);

        assertThat(c.sharedUuid()).isEqualTo(other);
        assertThat(c.uniqueUuid()).isEqualTo(other);
        assertUsage("shared-uuid=nope", "option shared-uuid: error parsing uuid nope");
        assertUsage("unique-uuid=1-2-3-4-5", "option unique-uuid: error parsing uuid 1-2-3-4-5");
        String nil = "00000000-0000-0000-0000-000000000000";
        assertUsage("shared-uuid=" + nil, "option shared-uuid: the nil uuid " + nil + " pairs with nothing");
        assertUsage("unique-uuid=" + nil, "option unique-uuid: the nil uuid " + nil + " identifies nothing");
    }

    @Test
    void lastSharedUuidIsReportedForPairingASlave() {
        UUID other = UUID.randomUUID();

        assertThat(PfsUpdate.parse(List.of("label=x")).sharedUuid()).isEmpty();
        assertThat(PfsUpdate.parse(List.of("shared-uuid=" + SHARED, "shared-uuid=" + other)).sharedUuid())
                .contains(other);
    }

    @Test
    void labelQuotesAreStripped() {
        assertThat(apply("label=\"my data\"").label()).isEqualTo("my data");
        assertThat(apply("label=plain").label()).isEqualTo("plain");
        assertThat(apply("label=").label()).isEmpty();
        assertThat(apply("label=\"\"").label()).isEmpty();
    }

    @Test
    void labelWithOnlyAnOpeningQuoteIsMalformed() {
        assertUsage("label=\"abc", "option label: malformed string");
        assertUsage("label=\"", "option label: malformed string");
    }

    @Test
    void labelIsLimitedTo64Bytes() {
        assertThat(apply("label=" + "x".repeat(64)).label()).hasSize(64);
        assertUsage("label=" + "x".repeat(65), "option label: too long (65 bytes), 64 byte limit");
        assertUsage("label=" + "é".repeat(33), "option label: too long (66 bytes), 64 byte limit");
    }

    @Test
    void snapshotsMustBeAnAbsolutePathShorterThan64Bytes() {
        assertThat(apply("snapshots=/var/hammer/test").snapshots()).isEqualTo("/var/hammer/test");
        assertThat(apply("snapshots=/" + "s".repeat(62)).snapshots()).hasSize(63);
        assertUsage("snapshots=relative", "option snapshots: 'relative' must be an absolute path");
        assertUsage("snapshots=/" + "s".repeat(63),
                "option snapshots: path too long (64 bytes), must be shorter than 64");
    }

    @Test
    void emptySnapshotsHintsAtSnapshotsClear() {
        assertUsage("snapshots=", "option snapshots: '' must be an absolute path; "
                + "use 'snapshots-clear' to unset the snapshots dir");
    }

    @Test
    void snapshotsClearIsAcceptedBareOrWithAnEmptyAssignment() {
        assertThat(apply("snapshots=/x", "snapshots-clear").snapshots()).isNull();
        assertThat(apply("snapshots=/x", "snapshots-clear=").snapshots()).isNull();
        assertThat(apply("snapshots-clear", "snapshots=/y").snapshots()).isEqualTo("/y");
        assertUsage("snapshots-clear=yes", "option snapshots-clear takes no value: 'yes'");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1d, 86400",
        "2d/01, 176400",
        "1d/01:02:03, 90123",
        "12, 43200",
        "01:30, 5400",
        "00:00:59, 59",
        "24855d, 2147472000",
        "24856d, 2147483647",
        "99999999999999999999d, 2147483647",
    })
    void pruneMinTakesDaysAndClockTimes(String spec, int seconds) {
        assertThat(apply("prune-min=" + spec).pruneMinSeconds()).isEqualTo(seconds);
    }

    @ParameterizedTest
    @CsvSource({"''", "d", "1x", "1d/", "1:2:3:4", "-1", "1d1", "1 d", ":30"})
    void pruneMinRejectsOtherSpecs(String spec) {
        assertUsage("prune-min=" + spec,
                "option prune-min=" + spec + ": illegal time spec, use Nd or [Nd/]hh[:mm[:ss]]");
    }

    @Test
    void unknownKeyIsAnInvalidOption() {
        assertUsage("colour=blue", "invalid option: colour");
    }

    @Test
    void optionWithoutAssignmentIsRejected() {
        assertUsage("label", "option label requires an assignment");
    }

    @Test
    void changesApplyInOrderAndLeaveOtherFieldsAlone() {
        PfsConfig c = apply("label=a", "prune-min=1d", "label=b");

        assertThat(c.label()).isEqualTo("b");
        assertThat(c.pruneMinSeconds()).isEqualTo(86400);
        assertThat(c.sharedUuid()).isEqualTo(SHARED);
        assertThat(c.mode()).isEqualTo(PfsMode.MASTER);
    }

    @Test
    void pfsZeroCannotBeLeftASlave() {
        PfsConfig slaveZero = master(0).withMode(PfsMode.SLAVE);

        assertThatThrownBy(() -> PfsUpdate.parse(List.of("label=x")).applyTo(slaveZero))
                .isInstanceOfSatisfying(HammerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED))
                .hasMessage("The real mount point cannot be made a PFS slave, "
                        + "only PFS sub-directories can be made slaves");
        assertThat(PfsUpdate.parse(List.of("label=x")).applyTo(master(0)).label()).isEqualTo("x");
    }
}
