package org.hammer.s3;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.tid.Tid;

/**
 * A chain's manifest (S3.md): the shared-uuid and label of the PFS, the lineage of what the chain
 * holds, and its objects. Written last, after the objects it lists are complete; a text body with a
 * CRC32C of itself on the last line, sealed whole when the chain is encrypted.
 */
record Manifest(UUID sharedUuid, String label, List<LineageSegment> lineage, List<ChainObject> objects) {
    static final String KEY = "hammer-chain";
    static final String PENDING_KEY = "hammer-pending";
    static final String OBJECTS = "objects/";
    private static final String FORMAT = "hammer-chain 1";

    Manifest {
        lineage = List.copyOf(lineage);
        objects = objects.stream().sorted(Comparator.comparing(ChainObject::end, Long::compareUnsigned)
                .thenComparing(o -> o.base() ? 0 : 1)).toList();
    }

    /** One stored stream: the changes {@code (beg, end]}; a base starts at TID 1 and holds the whole PFS. */
    record ChainObject(long beg, long end, String key, long size, String sha256, long streamBytes, Instant created) {
        boolean base() {
            return beg == Tid.INITIAL_SYNC;
        }

        String kind() {
            return base() ? "base" : "incr";
        }

        String describe() {
            return kind() + " " + Tid.format(beg) + ".." + Tid.format(end);
        }
    }

    /** The logical name of an object: what a plain chain stores it under, and an encrypted one hashes. */
    static String logicalName(UUID shared, long beg, long end) {
        return shared + "/" + String.format("%016x-%016x", beg, end) + (beg == Tid.INITIAL_SYNC ? ".base" : ".incr");
    }

    /** The newest TID the chain reaches, 0 when empty. */
    long end() {
        return objects.isEmpty() ? 0 : objects.get(objects.size() - 1).end();
    }

    /** Every TID a restore can reach: the ends of the objects. */
    List<Long> points() {
        return objects.stream().map(ChainObject::end).distinct().toList();
    }

    /**
     * The objects that restore the PFS as of {@code point}: the newest base from which
     * incrementals lead, each starting where the previous ended, to exactly {@code point}; null if
     * none does.
     */
    List<ChainObject> path(long point) {
        List<ChainObject> best = null;
        for (ChainObject b : objects) {
            if (!b.base() || Long.compareUnsigned(b.end(), point) > 0) {
                continue;
            }
            List<ChainObject> p = new ArrayList<>(List.of(b));
            long at = b.end();
            while (at != point) {
                long from = at;
                ChainObject next = objects.stream().filter(o -> !o.base() && o.beg() == from
                        && Long.compareUnsigned(o.end(), point) <= 0).findFirst().orElse(null);
                if (next == null) {
                    break;
                }
                p.add(next);
                at = next.end();
            }
            if (at == point && (best == null || Long.compareUnsigned(b.end(), best.get(0).end()) >= 0)) {
                best = p;
            }
        }
        return best;
    }

    Manifest with(List<ChainObject> objs, List<LineageSegment> lin) {
        return new Manifest(sharedUuid, label, lin, objs);
    }

    String encode() {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        b.append("shared-uuid ").append(sharedUuid).append('\n');
        b.append("label ").append(URLEncoder.encode(label, StandardCharsets.UTF_8)).append('\n');
        for (LineageSegment s : lineage) {
            b.append("lineage ").append(s.producer()).append(' ').append(Tid.format(s.first())).append(' ')
                    .append(Tid.format(s.last())).append('\n');
        }
        for (ChainObject o : objects) {
            b.append("object ").append(Tid.format(o.beg())).append(' ').append(Tid.format(o.end())).append(' ')
                    .append(o.size()).append(' ').append(o.sha256()).append(' ').append(o.streamBytes()).append(' ')
                    .append(o.created().toEpochMilli()).append(' ').append(o.key()).append('\n');
        }
        String crc = String.format("%08x", crc(b.toString()));
        b.append("crc32c ").append(crc).append('\n');
        return b.toString();
    }

    static Manifest decode(String text, String what) {
        String[] lines = text.split("\n", -1);
        int crcAt = text.lastIndexOf("crc32c ");
        if (lines.length < 3 || !lines[0].equals(FORMAT) || crcAt < 0) {
            throw HammerException.corrupt(what + ": not a hammer chain manifest (or of an unknown format)");
        }
        String body = text.substring(0, crcAt);
        String crcText = text.substring(crcAt + 7).strip();
        if (!crcText.equals(String.format("%08x", crc(body)))) {
            throw HammerException.corrupt(what + ": manifest checksum mismatch");
        }
        UUID shared = null;
        String label = "";
        List<LineageSegment> lineage = new ArrayList<>();
        List<ChainObject> objects = new ArrayList<>();
        try {
            for (String line : body.split("\n")) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "shared-uuid" -> shared = UUID.fromString(f[1]);
                    case "label" -> label = f.length > 1 ? URLDecoder.decode(f[1], StandardCharsets.UTF_8) : "";
                    case "lineage" -> lineage.add(new LineageSegment(UUID.fromString(f[1]), Tid.parseAuto(f[2]),
                            Tid.parseAuto(f[3])));
                    case "object" -> objects.add(new ChainObject(Tid.parseAuto(f[1]), Tid.parseAuto(f[2]),
                            f[7], Long.parseLong(f[3]), f[4], Long.parseLong(f[5]),
                            Instant.ofEpochMilli(Long.parseLong(f[6]))));
                    default -> {
                        // the format line, or a field of a later version
                    }
                }
            }
        } catch (RuntimeException e) {
            throw HammerException.corrupt(what + ": malformed manifest line: " + e.getMessage());
        }
        if (shared == null) {
            throw HammerException.corrupt(what + ": manifest without a shared-uuid");
        }
        return new Manifest(shared, label, lineage, objects);
    }

    private static int crc(String s) {
        CRC32C c = new CRC32C();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return (int) c.getValue();
    }
}
