package org.hammer.s3;

import java.util.regex.Pattern;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;

/**
 * {@code s3://BUCKET[/PREFIX][@@0x<tid>]}: a chain in a bucket, optionally as of one of its restore
 * points. Loads nothing of the AWS SDK.
 */
public record S3Url(String bucket, String prefix, Long asOf) {
    public static final String SCHEME = "s3://";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern TID = Pattern.compile("0x[0-9a-fA-F]{16}");

    public S3Url {
        if (!BUCKET.matcher(bucket).matches()) {
            throw HammerException.usage(SCHEME + bucket + ": invalid bucket name (3-63 of a-z 0-9 . -)");
        }
        prefix = trim(prefix);
    }

    /** Whether a command argument names a bucket rather than a PFS. */
    public static boolean is(String arg) {
        return arg != null && arg.startsWith(SCHEME);
    }

    public static S3Url parse(String arg) {
        if (!is(arg)) {
            throw HammerException.usage(arg + ": not an s3:// address");
        }
        String rest = arg.substring(SCHEME.length());
        Long asOf = null;
        int at = rest.indexOf("@@");
        if (at >= 0) {
            String t = rest.substring(at + 2);
            if (!TID.matcher(t).matches()) {
                throw HammerException.usage(arg + ": invalid TID (expected @@0x and 16 hex digits)");
            }
            asOf = Tid.parseAuto(t);
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (prefix.contains("//") || prefix.startsWith("/")) {
            throw HammerException.usage(arg + ": empty path segment in the prefix");
        }
        return new S3Url(bucket, prefix, asOf);
    }

    /** The key of {@code name} under the prefix. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The same chain, not as of any point. */
    public S3Url latest() {
        return new S3Url(bucket, prefix, null);
    }

    @Override
    public String toString() {
        return SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (asOf == null ? "" : "@@" + Tid.format(asOf));
    }

    private static String trim(String p) {
        String s = p == null ? "" : p;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
