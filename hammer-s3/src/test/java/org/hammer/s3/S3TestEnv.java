package org.hammer.s3;

import org.hammer.fixtures.S3Server;

/** Points the SDK of this JVM at a test server, through the system properties it reads before AWS_*. */
final class S3TestEnv {
    private S3TestEnv() {
    }

    static void point(S3Server s) {
        System.setProperty("aws.endpointUrl", s.endpoint());
        System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
        System.setProperty("aws.region", S3Server.REGION);
    }
}
