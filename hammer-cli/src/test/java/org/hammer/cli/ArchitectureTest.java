package org.hammer.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The module and package rules of DESIGN.md §2, checked on the production classes. */
@AnalyzeClasses(packages = "org.hammer", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreNeverDependsOnTheCli = noClasses()
            .that().resideInAPackage("org.hammer.core..")
            .should().dependOnClassesThat().resideInAPackage("org.hammer.cli..");

    /** LMDB's environments, transactions, tables and cursors are the store's alone. */
    @ArchTest
    static final ArchRule onlyTheStoreTouchesLmdb = noClasses()
            .that().resideOutsideOfPackages("org.hammer.core.store..", "org.hammer.core.lmdb..")
            .should().dependOnClassesThat().haveNameMatching("org\\.hammer\\.core\\.lmdb\\.(Env|Txn|Dbi|Cursor|LmdbException)\\b.*");

    /** The store is the binding's one user of LMDB itself: the rule above is about uses that exist. */
    @ArchTest
    static void theStoreUsesTheBinding(JavaClasses classes) {
        assertThat(classes.get("org.hammer.core.store.LmdbStore").getDirectDependenciesFromSelf().stream()
                .anyMatch(d -> d.getTargetClass().getName().equals("org.hammer.core.lmdb.Env"))).isTrue();
    }

    /**
     * The generated messages do not check the protobuf runtime's version as they load (the check
     * starts java.util.logging, ~20 ms of a mirror's start): they are built for the lite runtime,
     * whose generated code carries no such check; the messages are there to be checked.
     */
    @ArchTest
    static final ArchRule generatedMessagesSkipTheRuntimeVersionCheck = noClasses()
            .that().resideInAPackage("org.hammer.proto..")
            .should().dependOnClassesThat().haveFullyQualifiedName("com.google.protobuf.RuntimeVersion");

    @ArchTest
    static void theGeneratedMessagesAreAmongTheClassesChecked(JavaClasses classes) {
        assertThat(classes.contain("org.hammer.proto.Hello")).isTrue();
    }

    @ArchTest
    static final ArchRule onlyTheMirrorSeesProtobuf = noClasses()
            .that().resideOutsideOfPackages("org.hammer.core.mirror..", "org.hammer.proto..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.protobuf..", "org.hammer.proto..");

    /** The Prometheus client is loaded only by commands asked to serve metrics (start-up time). */
    @ArchTest
    static final ArchRule onlyTheMetricsSeePrometheus = noClasses()
            .that().resideOutsideOfPackage("org.hammer.cli.metrics..")
            .should().dependOnClassesThat().resideInAPackage("io.prometheus..");

    /**
     * The AWS SDK is loaded only by commands given an s3:// argument (start-up time); the test
     * fixtures' S3 server (s3proxy, which speaks in the SDK's types) is no part of the CLI.
     */
    @ArchTest
    static final ArchRule onlyHammerS3SeesTheAwsSdk = noClasses()
            .that().resideOutsideOfPackages("org.hammer.s3..", "org.hammer.fixtures..")
            .should().dependOnClassesThat().resideInAPackage("software.amazon..");

    private static final String CORE = "org.hammer.core.";
    /** The features: each built on the layers below, none on another but for the pairs below. */
    private static final List<String> FEATURES =
            List.of("mirror", "cpdup", "history", "prune", "snapshot", "scrub", "transport");
    /**
     * The features one feature builds on: mirror sends through transport, cpdup starts its child
     * processes (special files) as transport does (ChildProcesses), prune keeps snapshots.
     */
    private static final Map<String, Set<String>> FEATURE_USES =
            Map.of("mirror", Set.of("transport"), "cpdup", Set.of("transport"), "prune", Set.of("snapshot"));

    private static String[] packages(List<String> names) {
        return names.stream().map(n -> CORE + n + "..").toArray(String[]::new);
    }

    /**
     * DESIGN.md §2's layers of hammer-core, each using only those below it: tid, btree, store,
     * fs (which holds the write-back engine), pfs, and the features. HammerException, in
     * org.hammer.core itself, and the native binding (LMDB and a few system calls) are below them all.
     */
    @ArchTest
    static final ArchRule coreIsLayered = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Native").definedBy(CORE + "lmdb..")
            .layer("Base").definedBy("org.hammer.core")
            .layer("Tid").definedBy(CORE + "tid..")
            .layer("Btree").definedBy(CORE + "btree..")
            .layer("Store").definedBy(CORE + "store..")
            .layer("Fs").definedBy(CORE + "fs..")
            .layer("Pfs").definedBy(CORE + "pfs..")
            .layer("Features").definedBy(packages(FEATURES))
            .layer("Front ends").definedBy("org.hammer.cli..", "org.hammer.s3..")
            .whereLayer("Front ends").mayNotBeAccessedByAnyLayer()
            .whereLayer("Features").mayOnlyBeAccessedByLayers("Front ends")
            .whereLayer("Pfs").mayOnlyBeAccessedByLayers("Features", "Front ends")
            .whereLayer("Fs").mayOnlyBeAccessedByLayers("Pfs", "Features", "Front ends")
            .whereLayer("Store").mayOnlyBeAccessedByLayers("Fs", "Pfs", "Features", "Front ends")
            .whereLayer("Btree").mayOnlyBeAccessedByLayers("Store", "Fs", "Pfs", "Features", "Front ends")
            .whereLayer("Tid").mayOnlyBeAccessedByLayers("Btree", "Store", "Fs", "Pfs", "Features", "Front ends")
            .whereLayer("Base").mayOnlyBeAccessedByLayers("Tid", "Btree", "Store", "Fs", "Pfs", "Features",
                    "Front ends")
            .whereLayer("Native").mayOnlyBeAccessedByLayers("Store", "Fs", "Pfs", "Features", "Front ends");

    /** Within the features layer, a feature uses another only where {@link #FEATURE_USES} says. */
    @ArchTest
    static void featuresAreIndependentButForTheirStatedUses(JavaClasses classes) {
        for (String f : FEATURES) {
            assertThat(classes.containPackage(CORE + f)).as("package %s exists", CORE + f).isTrue();
            List<String> others = FEATURES.stream()
                    .filter(o -> !o.equals(f) && !FEATURE_USES.getOrDefault(f, Set.of()).contains(o)).toList();
            noClasses().that().resideInAPackage(CORE + f + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(packages(others))
                    .check(classes);
        }
    }

    /** The stated uses are real: were one gone, its exception should go too. */
    @ArchTest
    static void theStatedFeatureUsesExist(JavaClasses classes) {
        FEATURE_USES.forEach((f, uses) -> uses.forEach(u -> assertThat(classes.stream()
                .filter(c -> c.getPackageName().startsWith(CORE + f))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith(CORE + u)))
                .as("%s uses %s", f, u).isTrue()));
    }

    @ArchTest
    static final ArchRule corePackagesAreFreeOfCycles =
            slices().matching("org.hammer.core.(*)..").should().beFreeOfCycles();

    /**
     * Exit codes are Main's (DESIGN.md §7): no other class of hammer calls System.exit. The two
     * build-time helpers the launcher runs as programs of their own when it makes the start-up
     * archive (their exit status is how they answer it) are the stated exceptions.
     */
    @ArchTest
    static final ArchRule onlyMainExits = noClasses()
            .that().resideInAnyPackage("org.hammer.core..", "org.hammer.cli..", "org.hammer.s3..")
            .and().doNotHaveFullyQualifiedName(Main.class.getName())
            .and().doNotHaveFullyQualifiedName(StartupTraining.class.getName())
            .and().doNotHaveFullyQualifiedName(ClassFileUpgrade.class.getName())
            .should().callMethod(System.class, "exit", int.class);

    /** Main does exit: the rule above is about a call that exists. */
    @ArchTest
    static void mainCallsSystemExit(JavaClasses classes) {
        assertThat(classes.get(Main.class).getMethodCallsFromSelf().stream()
                .anyMatch(c -> c.getTargetOwner().isEquivalentTo(System.class) && c.getName().equals("exit")))
                .isTrue();
    }

    /** Halting the JVM (exit 5 on an LMDB assertion or a fault inside native code) is the store's alone. */
    @ArchTest
    static final ArchRule onlyTheStoreHalts = noClasses()
            .that().resideOutsideOfPackage("org.hammer.core.store..")
            .and().resideInAnyPackage("org.hammer.core..", "org.hammer.cli..", "org.hammer.s3..")
            .should().callMethod(Runtime.class, "halt", int.class);
}
