package dev.portico.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The gateway's package structure as docs/ARCHITECTURE.md draws it: no package depends on another
 * that depends back on it, the SPI knows nothing of the gateway, and the dependencies that keep
 * each concern in its place point one way.
 */
@AnalyzeClasses(packages = {"dev.portico.gateway", "dev.portico.spi"}, importOptions = ImportOption.DoNotIncludeTests.class)
class PackageStructureTest {

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.portico.gateway.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule theSpiKnowsNothingOfTheGateway = noClasses().that().resideInAPackage("dev.portico.spi..")
      .should().dependOnClassesThat().resideInAPackage("dev.portico.gateway..");

  @ArchTest
  static final ArchRule integrationsKnowNothingOfThePipelineOrWhatIsServed = noClasses()
      .that().resideInAPackage("dev.portico.gateway.proxy..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.portico.gateway.pipeline..", "dev.portico.gateway.serving..",
          "dev.portico.gateway.server..", "dev.portico.gateway.admin..");

  @ArchTest
  static final ArchRule upstreamsKnowNothingOfHowRequestsAreSent = noClasses()
      .that().resideInAPackage("dev.portico.gateway.upstream..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.portico.gateway.proxy..", "dev.portico.gateway.pipeline..",
          "dev.portico.gateway.serving..", "dev.portico.gateway.server..", "dev.portico.gateway.admin..");

  @ArchTest
  static final ArchRule whatIsServedIsCompiledWithoutTheRequestPath = noClasses()
      .that().resideInAPackage("dev.portico.gateway.serving..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.portico.gateway.pipeline..", "dev.portico.gateway.server..",
          "dev.portico.gateway.admin..", "dev.portico.gateway.cli..");

  @ArchTest
  static final ArchRule storedStateKnowsNoConsumer = noClasses()
      .that().resideInAnyPackage("dev.portico.gateway.state..", "dev.portico.gateway.config..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.portico.gateway.serving..", "dev.portico.gateway.pipeline..",
          "dev.portico.gateway.admin..", "dev.portico.gateway.server..", "dev.portico.gateway.cluster..");

  @ArchTest
  static final ArchRule onlyTheServerAndTheCommandLineWireEverything = noClasses()
      .that().resideOutsideOfPackages("dev.portico.gateway.server..", "dev.portico.gateway.cli..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.portico.gateway.server..", "dev.portico.gateway.cli..");
}
