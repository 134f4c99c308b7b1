package org.hammer.core.cpdup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsException;

/**
 * The copy itself: a depth-first walk of the source kept on an explicit stack, so the target can
 * stop it after any {@link #step()} to commit a batch and resume it in the next transaction.
 * Directories get their attributes after their contents (which change their mtime); a file is
 * copied in pieces, one per step ({@link FileCopy}), into a staged file that is put in place with
 * its attributes after the last one.
 *
 * <p>A failure that concerns one object ({@link ObjectFailure}, or a filesystem error of the
 * target, such as a name it refuses) is reported to {@code errors}, and the walk goes on without
 * that object (a file not copied leaves the earlier version, if any, as it was). Any other failure
 * (the store is full, an I/O error of the store) stops the walk, discards the file being copied,
 * and is rethrown saying what was copied and committed before it.
 */
final class Walk<S, T> {
    private final SourceTree<S> src;
    private final TargetTree<T> dst;
    private final Consumer<String> log;
    private final Consumer<String> errors;
    private final Counters n = new Counters();
    /** The counts as of the last commit: what a failure leaves behind. */
    private Counters committed = new Counters();
    private final Deque<DirFrame<S, T>> stack = new ArrayDeque<>();
    /** Source hard-link groups (nlink > 1) seen so far, to the first copy of each. */
    private final Map<FileId, Linked<T>> links = new HashMap<>();
    private final byte[] buf = new byte[FileCopy.PIECE];
    private FileCopy<S, T> copying;
    /** Where failures of single objects go (collected for a walk without {@code errors}). */
    private Consumer<String> report;
    /** The tree path of the object being worked on, once there is one. */
    private String current;
    private boolean started;
    private final Consumer<CpdupStats> progress;
    private long t0;
    private long lastProgress;

    private record Linked<T>(T node, FileId id) {
    }

    /** A walk whose failing objects are collected and reported at the end in one failure. */
    Walk(SourceTree<S> src, TargetTree<T> dst, Consumer<String> log) {
        this(src, dst, log, null);
    }

    /** A walk that reports each object it cannot copy to {@code errors}, one line each, and goes on. */
    Walk(SourceTree<S> src, TargetTree<T> dst, Consumer<String> log, Consumer<String> errors) {
        this(src, dst, log, errors, null);
    }

    /** As above, telling {@code progress} (if not null) of the counts so far, about ten times a second. */
    Walk(SourceTree<S> src, TargetTree<T> dst, Consumer<String> log, Consumer<String> errors,
            Consumer<CpdupStats> progress) {
        this.progress = progress;
        this.src = src;
        this.dst = dst;
        this.log = log == null ? s -> { } : log;
        this.errors = errors;
    }

    CpdupStats run() {
        t0 = System.nanoTime();
        List<String> failures = new ArrayList<>();
        report = errors != null ? errors : failures::add;
        try {
            src.session(() -> dst.run(this::step, () -> committed = n.copy()));
        } catch (RuntimeException e) {
            throw stopped(e);
        }
        if (!failures.isEmpty()) {
            throw HammerException.failure(failures.get(0) + (failures.size() > 1 ? " (and " + (failures.size() - 1)
                    + " more objects not copied)" : ""));
        }
        return n.freeze(System.nanoTime() - t0);
    }

    /** Does one unit of work; false when the walk is over. */
    private boolean step() {
        if (progress != null) {
            long now = System.nanoTime();
            if (now - lastProgress >= 100_000_000L) {
                lastProgress = now;
                progress.accept(n.freeze(now - t0));
            }
        }
        if (!started) {
            started = true;
            start();
            return true;
        }
        try {
            return advance();
        } catch (ObjectFailure | FsException e) {
            n.failed++;
            report.accept(e instanceof ObjectFailure ? e.getMessage() : where(current) + ": " + e.getMessage());
            if (copying != null) {
                copying.drop(src, dst);
                copying = null;
            }
            return true;
        }
    }

    private boolean advance() {
        if (copying != null) {
            copyPiece();
            return true;
        }
        DirFrame<S, T> f = stack.peek();
        if (f == null) {
            return false;
        }
        if (f.next < f.names.size()) {
            String name = f.names.get(f.next++);
            current = childPath(f.path, name);
            S child = src.child(f.src, name);
            Meta m = src.stat(child);
            if (m != null) {
                entry(child, m, f.dst, name, current, f.created);
            }
            return true;
        }
        stack.pop();
        current = f.path;
        finishDir(f);
        return true;
    }

    private void start() {
        S root = src.root();
        Meta m = src.stat(root);
        if (m == null) {
            throw HammerException.notFound(src.describe() + ": no such file or directory");
        }
        T dir = dst.prepare();
        String name = dst.destName();
        if (name != null) {
            current = ".";
            entry(root, m, dir, name, ".", false);
            return;
        }
        if (!m.isDir()) {
            throw HammerException.usage(dst.describe() + ": cannot copy a file over the root of a PFS");
        }
        n.checked++;
        current = ".";
        enterDir(root, m, dir, ".", false);
    }

    private static String childPath(String dir, String name) {
        return dir.equals(".") ? name : dir + "/" + name;
    }

    /** The target path of {@code path} in the tree, as failures name it. */
    private String where(String path) {
        return path == null || path.equals(".") ? dst.describe() : dst.describe() + "/" + path;
    }

    /** Copies one source entry into {@code dir}, which this walk created (and so holds nothing yet) when {@code fresh}. */
    private void entry(S s, Meta m, T dir, String name, String path, boolean fresh) {
        n.checked++;
        TargetTree.Found<T> cur = fresh ? null : dst.lookup(dir, name);
        if (m.isDir()) {
            if (cur != null && cur.meta().isDir()) {
                enterDir(s, m, cur.node(), path, false);
                return;
            }
            replaced(cur, dir, name);
            T d = dst.mkdir(dir, name, m);
            copied(path, "mkdir-ok");
            enterDir(s, m, d, path, true);
            return;
        }
        if (m.nlink() > 1 && linkTo(m, cur, dir, name, path)) {
            return;
        }
        if (m.isRegular()) {
            Meta have = cur == null ? null : cur.meta();
            if (have != null && have.isRegular() && have.size() == m.size() && have.mtimeNs() == m.mtimeNs()
                    && !(m.nlink() == 1 && have.nlink() > 1)) {
                unchanged(s, m, cur, path);
                return;
            }
            copying = new FileCopy<>(s, dst.stage(dir, name, m), m, dir, name, path,
                    have != null && have.isDir());
            return;
        }
        T node;
        if (m.isSymlink()) {
            String text = src.readlink(s);
            if (cur != null && cur.meta().isSymlink() && dst.readlink(cur.node()).equals(text)) {
                unchanged(s, m, cur, path);
                return;
            }
            replaced(cur, dir, name);
            node = dst.symlink(dir, name, text, m);
        } else {
            if (cur != null && cur.meta().type() == m.type() && cur.meta().rdev() == m.rdev()) {
                unchanged(s, m, cur, path);
                return;
            }
            replaced(cur, dir, name);
            node = dst.mknod(dir, name, m);
            if (node == null) {
                log.accept(path + " skipped (a socket)");
                return;
            }
        }
        dst.setAttrs(node, m);
        remember(m, node);
        copied(path, "copy-ok");
    }

    /** The second and later names of a source hard-link group become links to the first copy. */
    private boolean linkTo(Meta m, TargetTree.Found<T> cur, T dir, String name, String path) {
        Linked<T> first = links.get(m.id());
        if (first == null) {
            return false;
        }
        if (cur == null || !cur.meta().id().equals(first.id())) {
            replaced(cur, dir, name);
            dst.link(first.node(), dir, name);
            copied(path, "link-ok");
        }
        return true;
    }

    private void remember(Meta m, T node) {
        if (m.nlink() > 1 && !m.isDir()) {
            links.put(m.id(), new Linked<>(node, dst.id(node)));
        }
    }

    private void unchanged(S s, Meta m, TargetTree.Found<T> cur, String path) {
        if (m.nlink() > 1) {
            links.put(m.id(), new Linked<>(cur.node(), cur.meta().id()));
        }
        if (!dst.sameAttrs(m, cur.meta())) {
            dst.setAttrs(cur.node(), m);
            syncXattrs(s, m, cur.node(), false);
            n.updated++;
            log.accept(path + " attrs-ok");
        }
    }

    /** Removes what the copy replaces; only what was beneath it counts as removed. */
    private void replaced(TargetTree.Found<T> cur, T dir, String name) {
        if (cur != null) {
            n.removed += Math.max(0, dst.remove(dir, name) - 1);
        }
    }

    private void copied(String path, String what) {
        n.copied++;
        log.accept(path + " " + what);
    }

    private void enterDir(S s, Meta m, T d, String path, boolean created) {
        List<String> names = src.list(s);
        if (!created) {
            Set<String> keep = new HashSet<>(names);
            for (String x : dst.list(d)) {
                if (!keep.contains(x)) {
                    long k = dst.remove(d, x);
                    n.removed += k;
                    log.accept(childPath(path, x) + (k > 0 ? " removed" : " kept: PFS links stay"));
                }
            }
        }
        stack.push(new DirFrame<>(s, d, m, path, names, created));
    }

    private void finishDir(DirFrame<S, T> f) {
        if (f.created || !dst.sameAttrs(f.meta, dst.stat(f.dst))) {
            dst.setAttrs(f.dst, f.meta);
            if (!f.created) {
                n.updated++;
            }
        }
        syncXattrs(f.src, f.meta, f.dst, f.created);
    }

    /** Copies the next piece of the current file; after the last one, puts the file in place. */
    private void copyPiece() {
        FileCopy<S, T> c = copying;
        String from = src.describe() + (c.path.equals(".") ? "" : "/" + c.path);
        if (!c.next(src, dst, buf, from)) {
            return;
        }
        c.verify(src, from);
        src.doneReading(c.src);
        dst.setSize(c.staged, c.meta.size());
        dst.doneWriting(c.staged);
        dst.setAttrs(c.staged, c.meta);
        syncXattrs(c.src, c.meta, c.staged, true);
        if (c.dirInTheWay) {
            replaced(dst.lookup(c.dir, c.name), c.dir, c.name);
        }
        T placed = dst.place(c.staged, c.dir, c.name);
        copying = null;
        remember(c.meta, placed);
        n.bytes += c.meta.size();
        copied(c.path, "copy-ok");
    }

    private void syncXattrs(S s, Meta m, T t, boolean fresh) {
        Xattrs.sync(src, s, dst, t, m, fresh);
    }

    /**
     * The failure that stopped the walk, saying what became of the file being copied and what
     * was committed before it; that file's staged part is discarded.
     */
    private RuntimeException stopped(RuntimeException e) {
        if (!(e instanceof HammerException he) || current == null) {
            discardQuietly();
            return e;
        }
        String cause = String.valueOf(he.getMessage()).replace("; nothing of this change was written", "");
        StringBuilder m = new StringBuilder(where(current)).append(": ").append(cause).append("; ");
        if (copying != null) {
            m.append(copying.name).append(" was not copied and nothing of it is visible (an earlier version stays"
                    + " as it was)");
            String left = discardQuietly();
            if (left != null) {
                m.append(", but the part of it already written could not be released (").append(left)
                        .append("): the next cpdup into ").append(dst.describe()).append(" releases it");
            }
            m.append("; ");
        }
        m.append(Counters.objects(committed.copied, committed.bytes)).append(" copied before it ")
                .append(committed.copied == 1 ? "is" : "are").append(" committed; the rest of the tree was not"
                        + " copied");
        return new HammerException(he.kind(), m.toString(), e);
    }

    /** Drops the file being copied, if any; null, or why it could not be dropped. */
    private String discardQuietly() {
        if (copying == null) {
            return null;
        }
        FileCopy<S, T> c = copying;
        copying = null;
        try {
            c.drop(src, dst);
            return null;
        } catch (RuntimeException again) {
            return String.valueOf(again.getMessage());
        }
    }
}
