package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.TreeGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real source tree (the JDK's {@code lib/src.zip}, or a generated one where no JDK ships it)
 * copied into a master with {@code hammer cpdup} and back out: identical for {@code diff -r} and in
 * modes, owners, symlinks, link counts and mtimes; a second run copies only what changed; an
 * older TID exports the older tree; a slave refuses to be written.
 */
class CpdupIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "cpdup: (\\d+) checked, (\\d+) copied \\((\\d+) bytes\\), (\\d+) removed, (\\d+) updated in ([0-9.]+) s.*");

    @TempDir
    Path tmp;
    CliRunner hammer = CliRunner.create().withTimeout(java.time.Duration.ofMinutes(20));

    @Test
    void aSourceTreeGoesIntoAMasterAndComesBackIdentical() throws Exception {
        run(3000);
    }

    @Test
    @Tag("slow")
    void theWholeJdkSourceTree() throws Exception {
        run(Integer.MAX_VALUE);
    }

    private void run(int maxFiles) throws Exception {
        Path src = tmp.resolve("src");
        List<Path> files = sourceTree(src, maxFiles);
        extras(src, files);
        long entries = count(src);
        ok(hammer.run("newfs", "-L", "CPDUP", tmp.resolve("disk.hammer").toString()));
        String master = tmp.resolve("disk.hammer/pfs/test").toString();
        ok(hammer.run("pfs-master", master));

        long t0 = System.nanoTime();
        CliResult in = ok(hammer.run("cpdup", src.toString(), master));
        double cpdupWall = (System.nanoTime() - t0) / 1e9;
        long[] first = counts(in);
        assertThat(first[1]).as(in.stdout()).isEqualTo(entries);
        double cpSeconds = cpA(src, tmp.resolve("cp-a"));
        System.out.printf("CpdupIT %d objects, %d bytes: cpdup import %.2f s (%.2f s with JVM start), cp -a %.2f s%n"
                + "CpdupIT %s%n", entries, first[2], first[5] / 1000.0, cpdupWall, cpSeconds, in.stdout().trim());
        String tid = ok(hammer.run("synctid", master)).stdout().trim();

        Path out = tmp.resolve("out");
        ok(hammer.run("cpdup", "-q", master, out.toString()));
        assertSameTrees(src, out);

        List<Path> changed = change(src, files);
        CliResult again = ok(hammer.run("cpdup", "-v", src.toString(), master));
        long[] second = counts(again);
        assertThat(second[1]).as(again.stdout()).isEqualTo(changed.size() + 2);
        assertThat(second[3]).as(again.stdout()).isEqualTo(3);
        Path out2 = tmp.resolve("out2");
        ok(hammer.run("cpdup", "-q", master, out2.toString()));
        assertSameTrees(src, out2);

        Path old = tmp.resolve("old");
        ok(hammer.run("cpdup", "-q", master + "@@" + tid, old.toString()));
        assertSameTrees(out, old);

        long[] third = counts(ok(hammer.run("cpdup", src.toString(), master)));
        assertThat(third[1]).isZero();

        ok(hammer.run("pfs-slave", tmp.resolve("disk.hammer/pfs/slave").toString()));
        CliResult refused = hammer.run("cpdup", src.toString(), tmp.resolve("disk.hammer/pfs/slave").toString());
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(3);
        assertThat(refused.stderr()).startsWith("hammer: cpdup ").contains("slave", "read-only");
    }

    static CliResult ok(CliResult r) {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r;
    }

    /** checked, copied, bytes, removed, updated, milliseconds. */
    static long[] counts(CliResult r) {
        String last = r.stdout().strip().lines().reduce((a, b) -> b).orElse("");
        Matcher m = SUMMARY.matcher(last);
        assertThat(m.matches()).as("summary line: " + r.stdout()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), (long) (Double.parseDouble(m.group(6)) * 1000)};
    }

    /** Up to {@code max} files of the JDK's sources, or a generated tree of that many where none is found. */
    static List<Path> sourceTree(Path root, int max) throws IOException {
        Path zip = findSrcZip();
        if (zip == null) {
            return new TreeGenerator(42).generate(root, Math.min(max, 20_000));
        }
        List<Path> files = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; files.size() < max && (e = in.getNextEntry()) != null; ) {
                Path p = root.resolve(e.getName()).normalize();
                if (!p.startsWith(root) || e.isDirectory()) {
                    continue;
                }
                Files.createDirectories(p.getParent());
                Files.copy(in, p);
                Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(
                        e.getLastModifiedTime().toInstant().getEpochSecond(), files.size() * 7919L % 1_000_000_000L)));
                files.add(p);
            }
        }
        return files;
    }

    static Path findSrcZip() throws IOException {
        Path own = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (Files.isRegularFile(own)) {
            return own;
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.map(j -> j.resolve("lib/src.zip")).filter(Files::isRegularFile).sorted().findFirst().orElse(null);
        }
    }

    /** Modes, owners, symlinks, hard links, an xattr and an empty directory the zip does not have. */
    static void extras(Path root, List<Path> files) throws IOException {
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (i % 50 == 1) {
                Files.setAttribute(f, "unix:mode", 0755);
            } else if (i % 77 == 2) {
                Files.setAttribute(f, "unix:mode", 0600);
                Files.setAttribute(f, "unix:uid", 1000 + i);
            }
            if (i % 100 == 3) {
                Files.createSymbolicLink(f.resolveSibling("LINK" + i), f.getFileName());
            }
            if (i % 150 == 4) {
                Files.createLink(f.resolveSibling("HARD" + i), f);
            }
            if (i % 60 == 5) {
                try {
                    Files.getFileAttributeView(f, UserDefinedFileAttributeView.class)
                            .write("tag", ByteBuffer.wrap(("t" + i).getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    // a filesystem without user xattrs: nothing to copy
                }
            }
        }
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/target"));
    }

    /** Edits five files (two of them only in mtime), deletes three, adds two; returns the edited ones. */
    static List<Path> change(Path root, List<Path> files) throws IOException {
        List<Path> edited = new ArrayList<>();
        for (int i = 10; edited.size() < 5; i += 97) {
            Path f = files.get(i % files.size());
            if (edited.contains(f) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) == 0
                    || (Integer) Files.getAttribute(f, "unix:nlink") > 1) {
                continue;
            }
            if (edited.size() < 3) {
                Files.writeString(f, "// changed\n", java.nio.file.StandardOpenOption.APPEND);
            } else {
                Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z")));
            }
            edited.add(f);
        }
        int deleted = 0;
        for (int i = 33; deleted < 3; i += 101) {
            Path f = files.get(i % files.size());
            if (!edited.contains(f) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                    && (Integer) Files.getAttribute(f, "unix:nlink") == 1 && !hasLinkTo(f)) {
                Files.delete(f);
                deleted++;
            }
        }
        Files.writeString(root.resolve("new-file.txt"), "new\n");
        Files.writeString(root.resolve("empty-dir/new-inside.txt"), "new inside\n");
        return edited;
    }

    private static boolean hasLinkTo(Path f) {
        try (Stream<Path> s = Files.list(f.getParent())) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("LINK"));
        } catch (IOException e) {
            return true;
        }
    }

    static long count(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.count() - 1;
        }
    }

    static double cpA(Path from, Path to) throws Exception {
        long t0 = System.nanoTime();
        Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        assertThat(MirrorIT.waitFor(cp)).isZero();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {@code diff -r}, then what diff does not see: types, modes, owners, link counts, mtimes. */
    static void assertSameTrees(Path a, Path b) throws Exception {
        Process diff = new ProcessBuilder("diff", "-r", "--no-dereference", a.toString(), b.toString())
                .redirectErrorStream(true).start();
        String d;
        try (InputStream in = diff.getInputStream()) {
            d = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(MirrorIT.waitFor(diff)).as(d).isZero();
        assertThat(describe(b)).isEqualTo(describe(a));
    }

    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,nlink,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
                boolean link = Files.isSymbolicLink(p);
                long ns = m.getEpochSecond() * 1_000_000_000L + (link ? m.getNano() / 1000 * 1000 : m.getNano());
                String isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "" : " nlink=" + a.get("nlink");
                out.put(root.relativize(p).toString(), String.format("%o %s:%s mtime=%d%s%s",
                        a.get("mode"), a.get("uid"), a.get("gid"), ns, isDir,
                        link ? " -> " + Files.readSymbolicLink(p) : ""));
            }
        }
        return out;
    }
}
