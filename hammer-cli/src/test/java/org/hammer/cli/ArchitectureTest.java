package org.hammer.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module and package rules of DESIGN.md §2, checked on the production classes. */
@AnalyzeClasses(packages = "org.hammer", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreNeverDependsOnTheCli = noClasses()
            .that().resideInAPackage("org.hammer.core..")
            .should().dependOnClassesThat().resideInAPackage("org.hammer.cli..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule onlyTheStoreTouchesLmdb = noClasses()
            .that().resideOutsideOfPackage("org.hammer.core.store..")
            .should().dependOnClassesThat().resideInAPackage("org.lmdbjava..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule onlyTheMirrorSeesProtobuf = noClasses()
            .that().resideOutsideOfPackages("org.hammer.core.mirror..", "org.hammer.proto..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..", "org.hammer.proto..")
            .allowEmptyShould(true);

    /** The Prometheus client is loaded only by commands asked to serve metrics (start-up time). */
    @ArchTest
    static final ArchRule onlyTheMetricsSeePrometheus = noClasses()
            .that().resideOutsideOfPackage("org.hammer.cli.metrics..")
            .should().dependOnClassesThat().resideInAPackage("io.prometheus..")
            .allowEmptyShould(true);

    /**
     * The AWS SDK is loaded only by commands given an s3:// argument (start-up time); the test
     * fixtures' S3 server (s3proxy, which speaks in the SDK's types) is no part of the CLI.
     */
    @ArchTest
    static final ArchRule onlyHammerS3SeesTheAwsSdk = noClasses()
            .that().resideOutsideOfPackages("org.hammer.s3..", "org.hammer.fixtures..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon..")
            .allowEmptyShould(true);
}
