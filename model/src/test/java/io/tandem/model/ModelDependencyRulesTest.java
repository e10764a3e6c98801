package io.tandem.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The model module stays embeddable: no Kafka, Micrometer, schemas or streams code. */
class ModelDependencyRulesTest {

  @Test
  void modelShouldNotDependOnKafkaMicrometerSchemasOrStreams() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tandem.model");
    noClasses().that().resideInAPackage("io.tandem.model..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.kafka..", "io.micrometer..", "io.tandem.schemas..", "io.tandem.streams..")
        .check(classes);
  }
}
