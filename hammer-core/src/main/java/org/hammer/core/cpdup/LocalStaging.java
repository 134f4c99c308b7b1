package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The files a local target is writing: each under a hidden temporary name of its own in the
 * directory it goes to, renamed into place (an atomic replace) once complete, so that a file is
 * never seen half written; one left by a killed copy goes on the next run, as a name the source
 * does not have. One file is open at a time; failures name the path the file is written for.
 */
final class LocalStaging {
    /** Staged files not placed yet: temporary path to the path they are written for. */
    private final Map<Path, Path> staged = new HashMap<>();
    private Path writing;
    private FileChannel channel;

    /** The path a failure names: the one a staged file is written for, not its temporary name. */
    Path shown(Path p) {
        return staged.getOrDefault(p, p);
    }

    Path stage(Path dir, String name) {
        Path p = dir.resolve(name);
        close(writing);
        try {
            Path tmp = Files.createTempFile(dir, "." + name.substring(0, Math.min(name.length(), 100)) + ".",
                    ".cpdup");
            staged.put(tmp, p);
            channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
            writing = tmp;
            return tmp;
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot create", e);
        }
    }

    Path place(Path tmp, Path dir, String name) {
        close(tmp);
        Path p = dir.resolve(name);
        try {
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw LocalFiles.failure(p, "cannot rename into place", e);
        }
        staged.remove(tmp);
        return p;
    }

    void discard(Path tmp) {
        if (tmp.equals(writing)) {
            closeQuietly();
        }
        staged.remove(tmp);
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // A hidden leftover, which the next run removes as a name the source does not have.
        }
    }

    /** Writes {@code src}'s remaining bytes at {@code offset} (src's position is left as it was). */
    void write(Path p, long offset, ByteBuffer src) {
        try {
            ByteBuffer b = src.duplicate();
            long at = offset;
            while (b.hasRemaining()) {
                at += open(p).write(b, at);
            }
        } catch (IOException e) {
            throw LocalFiles.failure(shown(p), "cannot write", e);
        }
    }

    /** Truncates, or extends by writing the last byte (the gap stays a hole). */
    void setSize(Path p, long size) {
        try {
            FileChannel c = open(p);
            long have = c.size();
            if (have > size) {
                c.truncate(size);
            } else if (have < size) {
                c.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
        } catch (IOException e) {
            throw LocalFiles.failure(shown(p), "cannot set the size", e);
        }
    }

    /** Closes {@code p} if it is open, or whatever is open when {@code p} is null. */
    void close(Path p) {
        if (channel != null && (p == null || p.equals(writing))) {
            try {
                channel.close();
            } catch (IOException e) {
                throw LocalFiles.failure(shown(writing), "cannot close", e);
            } finally {
                channel = null;
                writing = null;
            }
        }
    }

    /** Closes what is open, at the end of a copy that may have failed already. */
    void closeQuietly() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the file is being dropped, or the copy failed already
        } finally {
            channel = null;
            writing = null;
        }
    }

    private FileChannel open(Path p) throws IOException {
        if (!p.equals(writing)) {
            close(writing);
            channel = FileChannel.open(p, StandardOpenOption.WRITE);
            writing = p;
        }
        return channel;
    }
}
