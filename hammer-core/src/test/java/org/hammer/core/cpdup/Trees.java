package org.hammer.core.cpdup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Describes a local tree as path → one line of what cpdup keeps, so two trees compare as maps. */
final class Trees {
    private Trees() {
    }

    static Map<String, String> describe(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            all.forEach(p -> out.put(root.relativize(p).toString(), line(p, p.equals(root))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String line(Path p, boolean isRoot) {
        try {
            Meta m = LocalFiles.stat(p);
            StringBuilder b = new StringBuilder();
            b.append(Integer.toOctalString(m.mode())).append(' ').append(m.uid()).append(':').append(m.gid());
            long mtime = m.isSymlink() ? m.mtimeNs() / 1000 * 1000 : m.mtimeNs();
            b.append(" mtime=").append(mtime);
            if (m.isRegular()) {
                b.append(" size=").append(m.size()).append(" nlink=").append(m.nlink()).append(" sha=")
                        .append(sha(p));
            } else if (m.isSymlink()) {
                b.append(" -> ").append(Files.readSymbolicLink(p));
            } else if (!m.isDir()) {
                b.append(" rdev=").append(m.rdev());
            }
            if (m.isRegular() || m.isDir()) {
                UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                for (String n : new java.util.TreeSet<>(v.list())) {
                    ByteBuffer buf = ByteBuffer.allocate(v.size(n));
                    v.read(n, buf);
                    b.append(" xattr:").append(n).append('=').append(HexFormat.of().formatHex(buf.array()));
                }
            }
            return b.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha(Path p) throws IOException {
        try (var in = Files.newInputStream(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int k; (k = in.read(buf)) > 0; ) {
                d.update(buf, 0, k);
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
