package io.tandem.tests.faults;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.Serializable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, security: no Java native serialization anywhere in Tandem. Every class under
 * {@code io.tandem} (all modules, main and test code) is imported; none may touch
 * {@code java.io.ObjectOutputStream} / {@code ObjectInputStream} or be {@link Serializable}. Enums and
 * throwables are exempt: they are {@code Serializable} only because {@link Enum} and
 * {@link Throwable} are, and nothing of Tandem writes them with Java serialization (which the
 * first rule checks).
 */
class NoNativeSerializationTest {

  /** By name, so that this test itself does not reference the classes it forbids. */
  private static final String OBJECT_OUTPUT_STREAM = "java.io.ObjectOutputStream";
  private static final String OBJECT_INPUT_STREAM = "java.io.ObjectInputStream";

  private static JavaClasses tandem;

  @BeforeAll
  static void importTandem() {
    tandem = new ClassFileImporter().importPackages("io.tandem");
  }

  @Test
  void shouldImportEveryModule() {
    // Given/When: the import above. Then: each module is present, so the rules cannot pass on an
    // empty class set
    assertThat(tandem.stream().map(JavaClass::getName))
        .contains("io.tandem.schemas.DeadLetterHeaders", "io.tandem.model.MultiTaskModel",
            "io.tandem.streams.app.TandemApp", "io.tandem.tests.support.SharedKafka");
  }

  @Test
  void shouldNotUseObjectStreams() {
    noClasses().that().resideInAPackage("io.tandem..")
        .should().dependOnClassesThat().areAssignableTo(OBJECT_OUTPUT_STREAM)
        .orShould().dependOnClassesThat().areAssignableTo(OBJECT_INPUT_STREAM)
        .because("Tandem's state and messages use its own versioned binary and JSON formats")
        .check(tandem);
  }

  @Test
  void shouldNotDeclareSerializableClasses() {
    noClasses().that().resideInAPackage("io.tandem..")
        .and().areNotEnums()
        .and().areNotAssignableTo(Throwable.class)
        .should().beAssignableTo(Serializable.class)
        .because("Java native serialization is not a wire or storage format of Tandem")
        .check(tandem);
  }
}
