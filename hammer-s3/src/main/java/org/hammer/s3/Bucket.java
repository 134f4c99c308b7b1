package org.hammer.s3;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket through the AWS SDK's S3 client, configured the standard way: credentials from the
 * SDK's default chain, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL} (or {@code AWS_ENDPOINT_URL_S3})
 * for MinIO, Ceph, R2 and the like, path-style addressing with {@code HAMMER_S3_PATH_STYLE=1} (the
 * default for an endpoint given as an IP address or localhost). Every SDK failure becomes a
 * {@link HammerException} of the right kind, here and only here.
 */
final class Bucket implements AutoCloseable {
    private final S3Client s3;
    private final S3Url url;
    private final String endpoint;

    private Bucket(S3Client s3, S3Url url, String endpoint) {
        this.s3 = s3;
        this.url = url;
        this.endpoint = endpoint;
    }

    static Bucket open(S3Url url) {
        String ep = setting("aws.endpointUrlS3", "AWS_ENDPOINT_URL_S3");
        ep = ep != null ? ep : setting("aws.endpointUrl", "AWS_ENDPOINT_URL");
        String region = setting("aws.region", "AWS_REGION");
        region = region != null ? region : setting("aws.defaultRegion", "AWS_DEFAULT_REGION");
        region = region != null ? region : "us-east-1";
        var b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .region(Region.of(region))
                // Checksums of our own (SHA-256 per object, CRC32C per frame); many S3-compatible
                // servers do not take the SDK's newer trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // No "Expect: 100-continue" round trip before each part, only before a whole object
                // (see put): a write refused in the middle of a run costs one part.
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .forcePathStyle(pathStyle(setting("hammer.s3.pathStyle", "HAMMER_S3_PATH_STYLE"), ep));
        if (ep != null && !ep.isBlank()) {
            try {
                b.endpointOverride(URI.create(ep));
            } catch (IllegalArgumentException e) {
                throw HammerException.usage("AWS_ENDPOINT_URL=" + ep + ": not a URL");
            }
        }
        try {
            return new Bucket(b.build(), url, ep == null ? "S3" : ep);
        } catch (SdkException e) {
            throw HammerException.refused(url + ": cannot set up the S3 client: " + e.getMessage());
        }
    }

    /** A setting as the SDK looks it up: the system property first, then the environment variable. */
    static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    static boolean pathStyle(String setting, String endpoint) {
        if (setting != null && !setting.isBlank()) {
            return setting.equals("1") || setting.equalsIgnoreCase("true") || setting.equalsIgnoreCase("yes");
        }
        if (endpoint == null) {
            return false;
        }
        String host = URI.create(endpoint).getHost();
        return host != null && (host.equals("localhost") || host.matches("[0-9.]+") || host.startsWith("["));
    }

    S3Url url() {
        return url;
    }

    /** Fails unless the bucket exists and answers (missing: exit 4; denied: exit 3). */
    void check() {
        call("open the bucket", () -> s3.headBucket(r -> r.bucket(url.bucket())));
    }

    /** The object's bytes, or null when there is none. */
    byte[] get(String key) {
        return call("read " + key, () -> {
            try {
                return s3.getObjectAsBytes(r -> r.bucket(url.bucket()).key(key)).asByteArray();
            } catch (NoSuchKeyException e) {
                return null;
            }
        });
    }

    /** A stream of the object's bytes; missing is exit 5 (an object the chain lists is gone). */
    InputStream stream(String key) {
        return call("read " + key, () -> {
            try {
                ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(url.bucket()).key(key));
                return in;
            } catch (NoSuchKeyException e) {
                throw HammerException.corrupt(url + ": object " + key + " is missing");
            }
        });
    }

    /** The object's size, or -1 when there is none. */
    long size(String key) {
        return call("look up " + key, () -> {
            try {
                return s3.headObject(r -> r.bucket(url.bucket()).key(key)).contentLength();
            } catch (NoSuchKeyException e) {
                return -1L;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return -1L;
                }
                throw e;
            }
        });
    }

    /**
     * How long one attempt to send {@code bytes} may take: 30 s and the time the bytes need at
     * 128 KiB/s. The HTTP client has no timeout for a write that the server stops reading without
     * closing the connection (a server that went away mid-request): the attempt is aborted then,
     * and the run fails with the part's bytes kept for the next run, instead of waiting forever.
     */
    static Duration sendTimeout(long bytes) {
        return Duration.ofSeconds(30 + bytes / (128 << 10));
    }

    /**
     * A whole object's PUT asks "Expect: 100-continue": a server that refuses it (a read-only
     * key, a lock already there) then answers before the body is sent. Without it, a server that
     * answers early and closes leaves the client failing to send the body, which reads as an
     * unreachable endpoint instead of the refusal it is. The first write of every run is such a
     * PUT (the chain's lock), so a refused bucket is told as refused, at one round trip per object.
     */
    private static void expectContinue(AwsRequestOverrideConfiguration.Builder o, long bytes) {
        o.apiCallAttemptTimeout(sendTimeout(bytes)).putHeader("Expect", "100-continue");
    }

    void put(String key, byte[] data) {
        call("write " + key, () -> s3.putObject(r -> r.bucket(url.bucket()).key(key)
                .overrideConfiguration(o -> expectContinue(o, data.length)), RequestBody.fromBytes(data)));
    }

    /**
     * Writes the object only if there is none under {@code key} ({@code If-None-Match: *}); false
     * when there is one (HTTP 412, or 409 for a write racing with another).
     */
    boolean putIfAbsent(String key, byte[] data) {
        return call("write " + key, () -> {
            try {
                s3.putObject(r -> r.bucket(url.bucket()).key(key).ifNoneMatch("*")
                        .overrideConfiguration(o -> expectContinue(o, data.length)),
                        RequestBody.fromBytes(data));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || e.statusCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(r -> r.bucket(url.bucket()).key(key)));
    }

    /** A stored object: key, size, last-modified. */
    record Entry(String key, long size, Instant modified) {
    }

    /** Every object whose key starts with {@code prefix}. */
    List<Entry> list(String prefix) {
        return call("list " + prefix, () -> {
            List<Entry> out = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(url.bucket()).prefix(prefix)).contents()) {
                out.add(new Entry(o.key(), o.size(), o.lastModified()));
            }
            return out;
        });
    }

    /** Multipart uploads in progress for exactly {@code key}: their upload ids. */
    List<String> uploads(String key) {
        return call("list uploads of " + key, () -> {
            List<String> ids = new ArrayList<>();
            for (MultipartUpload u : s3.listMultipartUploads(r -> r.bucket(url.bucket()).prefix(key)).uploads()) {
                if (u.key().equals(key)) {
                    ids.add(u.uploadId());
                }
            }
            return ids;
        });
    }

    /** Keys with multipart uploads in progress under {@code prefix}, with their upload ids. */
    List<String[]> uploadsUnder(String prefix) {
        return call("list uploads under " + prefix, () -> {
            List<String[]> out = new ArrayList<>();
            for (MultipartUpload u : s3.listMultipartUploads(r -> r.bucket(url.bucket()).prefix(prefix)).uploads()) {
                out.add(new String[] {u.key(), u.uploadId()});
            }
            return out;
        });
    }

    String startUpload(String key) {
        return call("start uploading " + key,
                () -> s3.createMultipartUpload(r -> r.bucket(url.bucket()).key(key)).uploadId());
    }

    /** The parts an upload holds: part number, ETag and size. */
    List<Part> parts(String key, String uploadId) {
        return call("list the parts of " + key, () -> {
            try {
                List<Part> out = new ArrayList<>();
                s3.listPartsPaginator(r -> r.bucket(url.bucket()).key(key).uploadId(uploadId)).parts().forEach(out::add);
                return out;
            } catch (NoSuchUploadException e) {
                return List.of();
            }
        });
    }

    /** Uploads one part; returns its ETag. */
    String uploadPart(String key, String uploadId, int n, byte[] data, int len) {
        return call("upload part " + n + " of " + key, () -> s3.uploadPart(
                r -> r.bucket(url.bucket()).key(key).uploadId(uploadId).partNumber(n).contentLength((long) len)
                        .overrideConfiguration(o -> o.apiCallAttemptTimeout(sendTimeout(len))),
                RequestBody.fromInputStream(new java.io.ByteArrayInputStream(data, 0, len), len)).eTag());
    }

    void completeUpload(String key, String uploadId, List<CompletedPart> parts) {
        call("complete the upload of " + key, () -> s3.completeMultipartUpload(r -> r.bucket(url.bucket()).key(key)
                .uploadId(uploadId).multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
    }

    void abortUpload(String key, String uploadId) {
        call("abort the upload of " + key, () -> {
            try {
                return s3.abortMultipartUpload(r -> r.bucket(url.bucket()).key(key).uploadId(uploadId));
            } catch (NoSuchUploadException e) {
                return null;
            }
        });
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> c) {
        try {
            return c.run();
        } catch (S3Exception e) {
            throw translate(what, e);
        } catch (SdkClientException e) {
            throw new Unreachable(url + ": cannot " + what + ": " + endpoint + " unreachable: " + rootMessage(e)
                    + (what.startsWith("upload part") ? " (the next mirror-copy resumes this upload)" : ""), e);
        } catch (SdkException e) {
            throw new HammerException(HammerException.Kind.FAILURE, url + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private HammerException translate(String what, S3Exception e) {
        // A refusal answered before the body was sent (Expect: 100-continue) comes without a body.
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
        String status = (code.isEmpty() ? "" : code + ", ") + "HTTP " + e.statusCode();
        String base = url + ": cannot " + what + ": ";
        if (code.equals("NoSuchBucket") || e.statusCode() == 404 && what.equals("open the bucket")) {
            return new HammerException(HammerException.Kind.NOT_FOUND, url + ": bucket " + url.bucket()
                    + " does not exist", e);
        }
        if (e.statusCode() == 403 || code.equals("AccessDenied") || code.equals("InvalidAccessKeyId")
                || code.equals("SignatureDoesNotMatch")) {
            return new HammerException(HammerException.Kind.REFUSED, base + "access denied (" + status
                    + "): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile, and the bucket's policy", e);
        }
        if (e.statusCode() == 405 || e.statusCode() == 501 && what.startsWith("write")) {
            return new HammerException(HammerException.Kind.REFUSED, base + "the bucket refuses writes (" + status + ")",
                    e);
        }
        if (e.statusCode() == 507 || code.equals("QuotaExceeded") || code.equals("XMinioStorageFull")
                || code.equals("EntityTooLarge")) {
            return new HammerException(HammerException.Kind.FAILURE, base + "the bucket is full (" + status + ")", e);
        }
        String said = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return new HammerException(HammerException.Kind.FAILURE, base + status
                + (said == null || said.isBlank() ? "" : ": " + said.strip())
                + (e.statusCode() >= 500 && what.startsWith("upload part") ? " (the next mirror-copy resumes this upload)"
                        : ""), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        s3.close();
    }

    /** The endpoint could not be reached (connection refused, reset, timed out): worth a retry. */
    static final class Unreachable extends HammerException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(Kind.NOT_FOUND, message, cause);
        }
    }
}
