package dev.portico.distribution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Every plugin the distribution ships (the bundled ones and the example) reaches the gateway only
 * through the SPI, {@code dev.portico.spi}: a plugin that used the gateway's internals would break
 * with any change of them, and could not be loaded in its own class loader.
 */
@AnalyzeClasses(packages = {"dev.portico.plugins", "dev.portico.examples"}, importOptions = ImportOption.DoNotIncludeTests.class)
class PluginBoundaryIT {

  @ArchTest
  static final ArchRule pluginsUseOnlyTheSpi = noClasses().that().resideInAnyPackage("dev.portico.plugins..", "dev.portico.examples..")
      .should().dependOnClassesThat().resideInAPackage("dev.portico.gateway..");
}
