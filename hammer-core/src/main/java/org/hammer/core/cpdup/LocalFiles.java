package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hammer.core.HammerException;

/** The local filesystem as both sides see it: lstat, listing, xattrs, nanosecond times, errors. */
final class LocalFiles {
    static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** Linux keeps user attributes in the "user." namespace; Java's view names them without it. */
    static final String USER = "user.";
    private static final String ATTRS = "unix:mode,uid,gid,size,lastModifiedTime,lastAccessTime,rdev,nlink,dev,ino";

    private LocalFiles() {
    }

    /** lstat(2) of {@code p}; NoSuchFileException when it is absent. */
    static Meta stat(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, ATTRS, NOFOLLOW);
        return new Meta((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("size"),
                nanos((FileTime) a.get("lastAccessTime")), nanos((FileTime) a.get("lastModifiedTime")),
                (Long) a.get("rdev"), (Integer) a.get("nlink"), (Long) a.get("dev"), (Long) a.get("ino"));
    }

    static long nanos(FileTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static FileTime time(long nanos) {
        return FileTime.from(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }

    static List<String> list(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw failure(dir, "cannot list", e);
        }
        Collections.sort(names);
        return names;
    }

    static String readlink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw failure(p, "cannot read link", e);
        }
    }

    static UserDefinedFileAttributeView xattrView(Path p) {
        return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
    }

    /** The {@code user.*} attributes of a file or directory, by full name. */
    static SortedMap<String, byte[]> xattrs(Path p) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        UserDefinedFileAttributeView v = xattrView(p);
        if (v == null) {
            return out;
        }
        try {
            for (String name : v.list()) {
                ByteBuffer b = ByteBuffer.allocate(v.size(name));
                v.read(name, b);
                out.put(USER + name, b.array());
            }
        } catch (FileSystemException e) {
            if (!unsupported(e)) {
                throw failure(p, "cannot read extended attributes", e);
            }
        } catch (IOException e) {
            throw failure(p, "cannot read extended attributes", e);
        }
        return out;
    }

    /** True for "Operation not supported" (a filesystem without xattrs). */
    static boolean unsupported(FileSystemException e) {
        return e.getReason() != null && e.getReason().contains("not supported");
    }

    /** A failure of one local object, naming it, what was being done and why. */
    static HammerException failure(Path p, String what, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            why = "file exists";
        } else if (e instanceof DirectoryNotEmptyException) {
            why = "directory not empty";
        } else if (e instanceof NotDirectoryException) {
            why = "not a directory";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof FileSystemException fe && fe.getReason() != null) {
            why = fe.getReason().toLowerCase(java.util.Locale.ROOT);
        } else {
            why = String.valueOf(e.getMessage());
        }
        return new ObjectFailure(p + ": " + what + ": " + why, e);
    }
}
