package org.hammer.s3;

import java.io.IOException;
import java.io.InputStream;
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
 * Every object is checked first (present, its size, its SHA-256, its seal), so a damaged chain
 * changes nothing; with {@code partial} the objects are checked as they are applied and the slave
 * stops at the last good TID instead.
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
        if (!partial) {
            for (Manifest.ChainObject x : todo) {
                drain(chain.stream(x));
            }
        }
        int n = 0;
        long bytes = 0;
        long synced = at;
        MirrorOptions one = o.withTwoWay(false);
        for (Manifest.ChainObject x : todo) {
            try (InputStream in = chain.stream(x); LocalTarget target = new LocalTarget(slave, confirm)) {
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
