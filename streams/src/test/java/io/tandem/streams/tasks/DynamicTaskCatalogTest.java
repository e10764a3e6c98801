package io.tandem.streams.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.TaskSpec;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicTaskCatalogTest {

  private static DynamicTaskCatalog startingWithCtr() {
    return new DynamicTaskCatalog(TaskCatalog.of(List.of(TaskDeclaration.binary("ctr", 1.0))));
  }

  @Test
  void shouldAddANewTaskAfterTheConfiguredOnesAndCountTheChange() {
    // Given a catalog of the configured task ctr
    DynamicTaskCatalog catalog = startingWithCtr();
    assertThat(catalog.version()).isZero();

    // When conversion is declared
    DynamicTaskCatalog.Result result = catalog.declare(TaskDeclaration.binary("conversion", 2.0));

    // Then it is accepted, listed after ctr, and the version moved
    assertThat(result.outcome()).isEqualTo(DynamicTaskCatalog.Outcome.ACCEPTED);
    assertThat(catalog.get().names()).containsExactly("ctr", "conversion");
    assertThat(catalog.declared()).extracting(TaskDeclaration::name).containsExactly("conversion");
    assertThat(catalog.version()).isEqualTo(1);
  }

  @Test
  void shouldTreatTheSameShapeAsUnchangedAndAnotherShapeAsRejected() {
    // Given conversion declared as a regression in [0, 5]
    DynamicTaskCatalog catalog = startingWithCtr();
    catalog.declare(TaskDeclaration.regression("conversion", 0, 5, 1.0));

    // When it is redeclared with another weight, as binary, and ctr (configured) as a regression
    DynamicTaskCatalog.Result sameShape =
        catalog.declare(TaskDeclaration.regression("conversion", 0, 5, 3.0));
    DynamicTaskCatalog.Result otherType = catalog.declare(TaskDeclaration.binary("conversion", 1));
    DynamicTaskCatalog.Result configured =
        catalog.declare(TaskDeclaration.regression("ctr", 0, 1, 1.0));

    // Then only the shape matters; conflicts name both shapes; nothing changed
    assertThat(sameShape.outcome()).isEqualTo(DynamicTaskCatalog.Outcome.UNCHANGED);
    assertThat(otherType.outcome()).isEqualTo(DynamicTaskCatalog.Outcome.REJECTED);
    assertThat(otherType.reason()).contains("task 'conversion' is already regression in [0.0,"
        + " 5.0]", "as binary");
    assertThat(configured.outcome()).isEqualTo(DynamicTaskCatalog.Outcome.REJECTED);
    assertThat(catalog.version()).isEqualTo(1);
    assertThat(catalog.get().accepts("conversion", 4.5)).isTrue();
  }

  @Test
  void shouldRejectANameTheModelCannotLearn() {
    // Given a declaration whose name the contract allows but a model task does not (upper case)
    DynamicTaskCatalog catalog = startingWithCtr();

    // When declared, Then it is rejected with the model's rule
    DynamicTaskCatalog.Result result = catalog.declare(TaskDeclaration.binary("Conversion", 1));
    assertThat(result.outcome()).isEqualTo(DynamicTaskCatalog.Outcome.REJECTED);
    assertThat(result.reason()).contains("'Conversion' is not a legal task", "task name");
    assertThat(catalog.get().names()).containsExactly("ctr");
  }

  @Test
  void shouldAdoptARestoredModelsTaskOverAConflictingDeclaration() {
    // Given the topic's last word on conversion is a regression (restored raw after a restart)
    DynamicTaskCatalog catalog = startingWithCtr();
    catalog.declare(TaskDeclaration.regression("conversion", 0, 5, 1.0));

    // When the restored model says it learns conversion as binary
    var reason = catalog.adopt(TaskSpec.binary("conversion"), 2.0);

    // Then the model's shape wins and the conflict is reported
    assertThat(reason).hasValueSatisfying(r -> assertThat(r).contains("the model's is kept"));
    assertThat(catalog.get().accepts("conversion", 1)).isTrue();
    assertThat(catalog.get().accepts("conversion", 4.5)).isFalse();
    // adopting again, or adopting a configured task as configured, changes nothing
    assertThat(catalog.adopt(TaskSpec.binary("conversion"), 2.0)).isEmpty();
    assertThat(catalog.adopt(TaskSpec.binary("ctr"), 1.0)).isEmpty();
    assertThatThrownBy(() -> catalog.adopt(TaskSpec.regression("ctr", 0, 9), 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 'ctr': configured as binary");
  }
}
