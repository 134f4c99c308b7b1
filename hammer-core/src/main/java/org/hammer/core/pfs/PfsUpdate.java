package org.hammer.core.pfs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;

/**
 * The {@code key=value} options of {@code pfs-update} (also accepted by {@code pfs-master} and
 * {@code pfs-slave}), parsed and validated as hammer(8)'s {@code parse_pfsd_options} does
 * (HAMMER.md §1.4), applied in the order given. Malformed options fail with USAGE before anything
 * is touched; making PFS #0 a slave is REFUSED when applied.
 */
public record PfsUpdate(List<Change> changes) {

    /** Longest label, in UTF-8 bytes (HAMMER's {@code label[64]}). */
    public static final int MAX_LABEL_BYTES = 64;
    /** Snapshots paths must be shorter than this, in UTF-8 bytes (HAMMER's {@code snapshots[64]}). */
    public static final int SNAPSHOTS_LIMIT = 64;
    /** prune-min is capped here, as HAMMER's {@code timetosecs}. */
    public static final int MAX_PRUNE_MIN = 0x7FFFFFFF;

    static final String TIME_SPEC = "illegal time spec, use Nd or [Nd/]hh[:mm[:ss]]";
    private static final Pattern PRUNE_MIN =
            Pattern.compile("(\\d+)d|(?:(\\d+)d/)?(\\d+)(?::(\\d+)(?::(\\d+))?)?");

    /** One field assignment. */
    public sealed interface Change {
        PfsConfig applyTo(PfsConfig c);
    }

    public record SyncBegTid(long tid) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withSync(tid, c.syncEndTid());
        }
    }

    public record SyncEndTid(long tid) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withSync(c.syncBegTid(), tid);
        }
    }

    public record SharedUuid(UUID uuid) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withUuids(uuid, c.uniqueUuid());
        }
    }

    public record UniqueUuid(UUID uuid) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withUuids(c.sharedUuid(), uuid);
        }
    }

    public record Label(String label) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withLabel(label);
        }
    }

    /** Sets the snapshots directory; {@code null} clears it ({@code snapshots-clear}). */
    public record Snapshots(String path) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withSnapshots(path);
        }
    }

    public record PruneMin(int seconds) implements Change {
        @Override
        public PfsConfig applyTo(PfsConfig c) {
            return c.withPruneMin(seconds);
        }
    }

    public PfsUpdate {
        changes = List.copyOf(changes);
    }

    /** Parses {@code key=value} options; throws USAGE naming the first bad one. */
    public static PfsUpdate parse(List<String> options) {
        List<Change> out = new ArrayList<>(options.size());
        for (String option : options) {
            out.add(parseOne(option));
        }
        return new PfsUpdate(out);
    }

    /** Applies every change in order; refuses to leave PFS #0 a slave. */
    public PfsConfig applyTo(PfsConfig c) {
        PfsConfig result = c;
        for (Change change : changes) {
            result = change.applyTo(result);
        }
        if (result.id() == 0 && result.isSlave()) {
            throw HammerException.refused("The real mount point cannot be made a PFS slave, "
                    + "only PFS sub-directories can be made slaves");
        }
        return result;
    }

    /** The last shared-uuid given, which pfs-slave uses to pair the new slave with its master. */
    public Optional<UUID> sharedUuid() {
        UUID last = null;
        for (Change change : changes) {
            if (change instanceof SharedUuid s) {
                last = s.uuid();
            }
        }
        return Optional.ofNullable(last);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    private static Change parseOne(String option) {
        int eq = option.indexOf('=');
        // HAMMER insists on '=' even for snapshots-clear (its check runs first); a bare
        // snapshots-clear is what users type and means nothing else, so it is accepted here.
        if (eq < 0) {
            if (option.equals("snapshots-clear")) {
                return new Snapshots(null);
            }
            throw HammerException.usage("option " + option + " requires an assignment");
        }
        String key = option.substring(0, eq);
        String value = option.substring(eq + 1);
        return switch (key) {
            case "sync-beg-tid" -> new SyncBegTid(tid(key, value));
            case "sync-end-tid" -> new SyncEndTid(tid(key, value));
            case "shared-uuid" -> new SharedUuid(uuid(key, value));
            case "unique-uuid" -> new UniqueUuid(uuid(key, value));
            case "label" -> new Label(label(value));
            case "snapshots" -> new Snapshots(snapshots(value));
            case "snapshots-clear" -> {
                if (!value.isEmpty()) {
                    throw HammerException.usage("option snapshots-clear takes no value: '" + value + "'");
                }
                yield new Snapshots(null);
            }
            case "prune-min" -> new PruneMin(pruneMin(value));
            default -> throw HammerException.usage("invalid option: " + key);
        };
    }

    private static long tid(String key, String value) {
        try {
            return Tid.parseHex(value);
        } catch (HammerException e) {
            throw HammerException.usage("option " + key + ": " + e.getMessage() + ", expected hexadecimal");
        }
    }

    private static UUID uuid(String key, String value) {
        // UUID.fromString accepts short groups such as "1-2-3-4-5"; insist on the canonical form.
        if (!value.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw HammerException.usage("option " + key + ": error parsing uuid " + value);
        }
        UUID uuid = UUID.fromString(value);
        if (uuid.getMostSignificantBits() == 0 && uuid.getLeastSignificantBits() == 0) {
            // A nil shared-uuid would pair a slave with anything else given the nil uuid; a nil
            // unique-uuid would make this PFS's TIDs indistinguishable in lineages.
            throw HammerException.usage("option " + key + ": the nil uuid " + value
                    + (key.equals("shared-uuid") ? " pairs with nothing" : " identifies nothing"));
        }
        return uuid;
    }

    /** Strips surrounding double quotes; a lone opening quote is malformed. */
    static String label(String value) {
        String label = value;
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            label = value.substring(1, value.length() - 1);
        } else if (value.startsWith("\"")) {
            throw HammerException.usage("option label: malformed string");
        }
        int bytes = label.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LABEL_BYTES) {
            throw HammerException.usage("option label: too long (" + bytes + " bytes), "
                    + MAX_LABEL_BYTES + " byte limit");
        }
        return label;
    }

    static String snapshots(String value) {
        if (value.isEmpty()) {
            throw HammerException.usage("option snapshots: '' must be an absolute path; "
                    + "use 'snapshots-clear' to unset the snapshots dir");
        }
        if (!value.startsWith("/")) {
            throw HammerException.usage("option snapshots: '" + value + "' must be an absolute path");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= SNAPSHOTS_LIMIT) {
            throw HammerException.usage("option snapshots: path too long (" + bytes + " bytes), must be shorter than "
                    + SNAPSHOTS_LIMIT);
        }
        return value;
    }

    /** {@code Nd} or {@code [Nd/]hh[:mm[:ss]]} in seconds, capped at {@link #MAX_PRUNE_MIN}. */
    static int pruneMin(String value) {
        Matcher m = PRUNE_MIN.matcher(value);
        if (!m.matches()) {
            throw HammerException.usage("option prune-min=" + value + ": " + TIME_SPEC);
        }
        long days = number(m.group(1) != null ? m.group(1) : m.group(2));
        long seconds = saturate(days, 86400) + saturate(number(m.group(3)), 3600)
                + saturate(number(m.group(4)), 60) + number(m.group(5));
        return (int) Math.min(seconds, MAX_PRUNE_MIN);
    }

    /** A decimal group, 0 when absent, saturated far above the cap so the sums cannot overflow. */
    private static long number(String digits) {
        if (digits == null) {
            return 0;
        }
        String trimmed = digits.replaceFirst("^0+(?=\\d)", "");
        return trimmed.length() > 12 ? 1_000_000_000_000L : Long.parseLong(trimmed);
    }

    private static long saturate(long n, long unit) {
        return Math.min(n * unit, 1L << 50);
    }
}
