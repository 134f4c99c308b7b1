package org.hammer.s3;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.LocalTarget;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorTarget;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;

/**
 * mirror-copy from a chain into a slave: the objects from the newest base that leads to the point
 * asked for (the chain's end, or an older restore point), each applied as a one-way mirror stream.
 * Every object is checked first (present, its size; then read once from the bucket into a local
 * spool while its SHA-256, seal and zstd checksum are checked), so a damaged chain changes
 * nothing; then each is applied from its spool. With {@code partial} the objects are read from the
 * bucket as they are applied, and the slave stops at the last good TID instead.
 */
final class ChainRestore {
    /** What a restore did: objects applied, their stream bytes, where the slave ends. */
    record Result(int objects, long streamBytes, long syncedTid) {
    }

    private ChainRestore() {
    }

    static Result run(Chain chain, String slave, MirrorOptions o, Predicate<String> confirm, boolean partial) {
        Manifest m = chain.manifest();
        if (m == null || m.objects().isEmpty()) {
            throw HammerException.notFound(chain.url.latest() + ": no chain there (nothing was mirrored to it)");
        }
        long point = chain.url.asOf() != null ? chain.url.asOf() : m.end();
        List<Manifest.ChainObject> path = m.path(point);
        if (path == null) {
            throw HammerException.notFound(chain.url + ": not a restore point of the chain; its points are "
                    + m.points().stream().map(Tid::format).toList());
        }
        long at = slaveEnd(slave);
        List<Manifest.ChainObject> todo = path.stream().filter(x -> Long.compareUnsigned(x.end(), at) > 0).toList();
        for (Manifest.ChainObject x : todo) {
            long size = chain.bucket.size(x.key());
            if (size < 0) {
                throw HammerException.corrupt(chain.url + ": object " + x.key() + " (" + x.describe()
                        + ") is missing from the chain");
            }
            if (size != x.size()) {
                throw HammerException.corrupt(chain.url + ": object " + x.key() + " (" + x.describe() + ") holds "
                        + size + " bytes, the manifest says " + x.size());
            }
        }
        if (partial) {
            return apply(chain, slave, o, confirm, true, todo, at, x -> chain.stream(x));
        }
        try (Spool spool = new Spool()) {
            for (Manifest.ChainObject x : todo) {
                spool.fetch(chain, x);
            }
            return apply(chain, slave, o, confirm, false, todo, at, x -> chain.decode(x, spool.open(x)));
        }
    }

    /** Where an object's mirror stream is read from: the bucket, or the spool. */
    private interface Source {
        InputStream open(Manifest.ChainObject x) throws IOException;
    }

    private static Result apply(Chain chain, String slave, MirrorOptions o, Predicate<String> confirm, boolean partial,
            List<Manifest.ChainObject> todo, long at, Source source) {
        int n = 0;
        long bytes = 0;
        long synced = at;
        MirrorOptions one = o.withTwoWay(false);
        for (Manifest.ChainObject x : todo) {
            try (InputStream in = source.open(x); LocalTarget target = new LocalTarget(slave, confirm)) {
                var s = new MirrorTarget(target, slave, one).run(in, null);
                drain(in);
                bytes += s.wireBytes();
                synced = s.syncedTid();
                n++;
            } catch (HammerException e) {
                if (e.kind() == HammerException.Kind.CORRUPT && partial) {
                    long last = slaveEnd(slave);
                    throw HammerException.corrupt(e.getMessage() + "; " + slave + " stopped at the last good TID "
                            + Tid.format(last));
                }
                throw e;
            } catch (IOException e) {
                throw HammerException.failure(chain.url + ": " + x.key() + ": " + e.getMessage());
            }
            if (o.verbose() > 0 && !o.quiet()) {
                o.log().println("Mirror-copy " + chain.url + ": applied " + x.describe() + " to " + slave);
            }
        }
        return new Result(n, bytes, synced);
    }

    /**
     * The stored bytes of the objects a restore applies, each read once from the bucket into a file
     * of a temporary directory ({@code $HAMMER_S3_SCRATCH} or {@code $TMPDIR}) while every check of
     * the object runs on the way, then read from there; removed at the end.
     */
    private static final class Spool implements AutoCloseable {
        private final Path dir;

        Spool() {
            dir = Scratch.directory("hammer-restore-");
        }

        private Path file(Manifest.ChainObject x) {
            return dir.resolve(String.format("%016x-%016x", x.beg(), x.end()));
        }

        /** Reads the object from the bucket into its file, checking its SHA-256, seal and zstd checksum. */
        void fetch(Chain chain, Manifest.ChainObject x) {
            Path f = file(x);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
                drain(chain.decode(x, chain.checked(x, new Tee(chain.bucket.stream(x.key()), out, f))));
            } catch (IOException e) {
                throw HammerException.failure(chain.url + ": cannot keep object " + x.key() + " in " + f + ": "
                        + e.getMessage());
            }
        }

        InputStream open(Manifest.ChainObject x) throws IOException {
            return new BufferedInputStream(Files.newInputStream(file(x)), 1 << 16);
        }

        @Override
        public void close() {
            Scratch.remove(dir);
        }
    }

    /** Copies what is read through it to a file; a failure to write it is not damage of the object. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;
        private final Path file;

        Tee(InputStream in, OutputStream copy, Path file) {
            super(in);
            this.copy = copy;
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                try {
                    copy.write(b, off, n);
                } catch (IOException e) {
                    throw HammerException.failure("cannot write " + file + ": " + e.getMessage());
                }
            }
            return n;
        }
    }

    /** The slave's sync-end-tid, 0 when it does not exist yet. */
    private static long slaveEnd(String slave) {
        try (PfsPath p = PfsPath.resolve(slave)) {
            if (!p.exists() || !p.isPfsRoot() || p.pfs() == 0) {
                return 0;
            }
            PfsConfig c = p.config();
            return c.syncEndTid();
        } catch (HammerException e) {
            if (e.kind() == HammerException.Kind.NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** Reads a stream to its end, so every check on the way runs. */
    static long drain(InputStream in) {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        try (in) {
            int k;
            while ((k = in.read(buf)) >= 0) {
                n += k;
            }
        } catch (IOException e) {
            throw HammerException.failure(e.getMessage());
        }
        return n;
    }
}
