package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TaskScoresTest {

  private static final String[] TASKS = {"ctr", "preference", "conversion"};

  private static Map<String, Double> linked(double ctr, double preference, double conversion) {
    Map<String, Double> map = new LinkedHashMap<>();
    map.put("ctr", ctr);
    map.put("preference", preference);
    map.put("conversion", conversion);
    return map;
  }

  @Test
  void shouldBehaveAsTheLinkedHashMapWithTheSameEntries() {
    // Given
    Map<String, Double> expected = linked(0.25, 3.5, 0.01);

    // When
    TaskScores scores = new TaskScores(TASKS, new double[] {0.25, 3.5, 0.01});

    // Then: equal both ways, same hash, same text, same order
    assertThat(scores).isEqualTo(expected);
    assertThat(expected).isEqualTo(scores);
    assertThat(scores.hashCode()).isEqualTo(expected.hashCode());
    assertThat(scores.toString()).isEqualTo(expected.toString());
    assertThat(new ArrayList<>(scores.keySet())).containsExactly("ctr", "preference", "conversion");
    assertThat(new ArrayList<>(scores.values())).containsExactly(0.25, 3.5, 0.01);
    List<String> visited = new ArrayList<>();
    scores.forEach((task, score) -> visited.add(task + "=" + score));
    assertThat(visited).containsExactly("ctr=0.25", "preference=3.5", "conversion=0.01");
  }

  @Test
  void shouldFindATaskByAnEqualNameAndNothingForAnUnknownOne() {
    // Given: a key that is equal to a task name but not the same instance
    TaskScores scores = new TaskScores(TASKS, new double[] {0.25, 3.5, 0.01});
    String preference = new String("preference");

    // When / Then
    assertThat(scores.get(preference)).isEqualTo(3.5);
    assertThat(scores.containsKey(preference)).isTrue();
    assertThat(scores.get("rating")).isNull();
    assertThat(scores.get(null)).isNull();
    assertThat(scores.getOrDefault("rating", -1.0)).isEqualTo(-1.0);
    assertThat(scores.size()).isEqualTo(3);
  }

  @Test
  void shouldKeepItsOwnCopyOfTheScores() {
    // Given
    double[] values = {0.25, 3.5, 0.01};
    TaskScores scores = new TaskScores(TASKS, values);

    // When: the caller reuses its array for the next example
    values[0] = 0.9;

    // Then
    assertThat(scores.get("ctr")).isEqualTo(0.25);
  }

  @Test
  void shouldRejectEveryChange() {
    // Given
    TaskScores scores = new TaskScores(TASKS, new double[] {0.25, 3.5, 0.01});
    Iterator<Map.Entry<String, Double>> entries = scores.entrySet().iterator();
    entries.next();

    // When / Then
    assertThatThrownBy(() -> scores.put("ctr", 0.5))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> scores.remove("ctr"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(scores::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(entries::remove).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> entries.next().setValue(0.5))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(scores).isEqualTo(linked(0.25, 3.5, 0.01));
  }

  @Test
  void shouldEndItsIterationWithNoSuchElement() {
    // Given
    Iterator<Map.Entry<String, Double>> entries =
        new TaskScores(new String[] {"ctr"}, new double[] {0.5}).entrySet().iterator();
    entries.next();

    // When / Then
    assertThat(entries.hasNext()).isFalse();
    assertThatThrownBy(entries::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void shouldRejectAScoreCountThatDiffersFromTheTasks() {
    assertThatThrownBy(() -> new TaskScores(TASKS, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores: 1 for 3 tasks");
  }
}
