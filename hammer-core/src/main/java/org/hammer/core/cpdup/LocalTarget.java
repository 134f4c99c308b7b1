package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;

/**
 * A local directory as the target of a copy; changes are made at once, there is nothing to batch.
 * A file is written under a temporary hidden name and renamed into place once complete
 * ({@link LocalStaging}).
 */
final class LocalTarget implements TargetTree<Path> {
    private final Path dest;
    private final boolean root = isRoot();
    private final LocalStaging files = new LocalStaging();

    LocalTarget(Path dest) {
        this.dest = dest.toAbsolutePath().normalize();
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    @Override
    public void run(BooleanSupplier step, Runnable committed) {
        try {
            while (step.getAsBoolean()) {
                committed.run();
            }
        } finally {
            files.closeQuietly();
        }
    }

    @Override
    public Path prepare() {
        Path parent = dest.getParent();
        if (parent == null) {
            return dest;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw LocalFiles.failure(parent, "cannot create directory", e);
        }
        return parent;
    }

    @Override
    public String destName() {
        return dest.getParent() == null ? null : dest.getFileName().toString();
    }

    @Override
    public Found<Path> lookup(Path dir, String name) {
        Path p = dir.resolve(name);
        try {
            return new Found<>(p, LocalFiles.stat(p));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot stat", e);
        }
    }

    @Override
    public Meta stat(Path node) {
        try {
            return LocalFiles.stat(node);
        } catch (IOException e) {
            throw LocalFiles.failure(node, "cannot stat", e);
        }
    }

    @Override
    public List<String> list(Path dir) {
        return LocalFiles.list(dir);
    }

    @Override
    public String readlink(Path node) {
        return LocalFiles.readlink(node);
    }

    @Override
    public long remove(Path dir, String name) {
        Path top = dir.resolve(name);
        long[] count = {0};
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.delete(f);
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(d);
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw LocalFiles.failure(top, "cannot remove", e);
        }
        return count[0];
    }

    @Override
    public Path mkdir(Path dir, String name, Meta want) {
        Path p = dir.resolve(name);
        try {
            return Files.createDirectory(p);
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot create directory", e);
        }
    }

    @Override
    public Path stage(Path dir, String name, Meta want) {
        return files.stage(dir, name);
    }

    @Override
    public Path place(Path tmp, Path dir, String name) {
        return files.place(tmp, dir, name);
    }

    @Override
    public void discard(Path tmp) {
        files.discard(tmp);
    }

    @Override
    public void write(Path p, long offset, ByteBuffer src, int[] crcs) {
        files.write(p, offset, src);
    }

    @Override
    public void setSize(Path p, long size) {
        files.setSize(p, size);
    }

    @Override
    public void doneWriting(Path p) {
        files.close(p);
    }

    @Override
    public Path symlink(Path dir, String name, String target, Meta want) {
        Path p = dir.resolve(name);
        try {
            return Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot create symlink", e);
        }
    }

    @Override
    public Path mknod(Path dir, String name, Meta want) {
        return SpecialFiles.make(dir.resolve(name), want);
    }

    @Override
    public void link(Path existing, Path dir, String name) {
        Path p = dir.resolve(name);
        try {
            Files.createLink(p, existing);
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot link to " + existing, e);
        }
    }

    @Override
    public FileId id(Path node) {
        return stat(node).id();
    }

    @Override
    public boolean sameAttrs(Meta want, Meta have) {
        if (want.isSymlink()) {
            // Java sets a symlink's times through lutimes(3): microseconds.
            return want.uid() == have.uid() && want.gid() == have.gid()
                    && want.mtimeNs() / 1000 == have.mtimeNs() / 1000;
        }
        return want.perm() == have.perm() && want.uid() == have.uid() && want.gid() == have.gid()
                && want.mtimeNs() == have.mtimeNs();
    }

    @Override
    public void setAttrs(Path p, Meta want) {
        if (want.isSpecial()) {
            SpecialFiles.setAttrs(p, want);
            return;
        }
        // Path-based calls except on a symlink: Java opens the file for the NOFOLLOW variants.
        java.nio.file.LinkOption[] how = want.isSymlink() ? LocalFiles.NOFOLLOW : new java.nio.file.LinkOption[0];
        try {
            try {
                Files.setAttribute(p, "unix:uid", want.uid(), how);
                Files.setAttribute(p, "unix:gid", want.gid(), how);
            } catch (FileSystemException e) {
                if (root) {
                    throw e;
                }
            }
            if (!want.isSymlink()) {
                Files.setAttribute(p, "unix:mode", want.perm());
            }
            Files.getFileAttributeView(p, BasicFileAttributeView.class, how)
                    .setTimes(LocalFiles.time(want.mtimeNs()), LocalFiles.time(want.atimeNs()), null);
        } catch (IOException e) {
            throw LocalFiles.failure(files.shown(p), "cannot set attributes", e);
        }
    }

    @Override
    public SortedMap<String, byte[]> xattrs(Path node, Meta meta) {
        return meta.isRegular() || meta.isDir() ? LocalFiles.xattrs(node) : Collections.emptySortedMap();
    }

    @Override
    public void setXattr(Path node, String name, byte[] value) {
        if (!name.startsWith(LocalFiles.USER)) {
            return;
        }
        try {
            LocalFiles.xattrView(node).write(name.substring(LocalFiles.USER.length()), ByteBuffer.wrap(value));
        } catch (IOException e) {
            throw LocalFiles.failure(files.shown(node), "cannot set extended attribute " + name, e);
        }
    }

    @Override
    public void removeXattr(Path node, String name) {
        try {
            LocalFiles.xattrView(node).delete(name.substring(LocalFiles.USER.length()));
        } catch (IOException e) {
            throw LocalFiles.failure(files.shown(node), "cannot remove extended attribute " + name, e);
        }
    }

    @Override
    public String describe() {
        return dest.toString();
    }
}
