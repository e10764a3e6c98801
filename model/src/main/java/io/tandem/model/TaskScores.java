package io.tandem.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One example's predicted score per task, as {@link MultiTaskLearner#predict} returns it: an
 * immutable map from task name to score that iterates in the model's task order.
 *
 * <p>Why not a {@code LinkedHashMap}: a prediction is made for every event, and the trainer, the
 * drift watch and the prediction writer each read it once or twice; a hash map per event (its
 * table, one entry and one boxed {@code Double} per task, and an unmodifiable wrapper) was about
 * 270 bytes of garbage per event with two tasks, this is one small object and a {@code double[]}.
 * The task names are shared by every map of one model. Lookup scans the few names (a model has a
 * handful of tasks), comparing references first. It is a {@link Map} in every other respect:
 * {@link AbstractMap}'s {@code equals}, {@code hashCode} and {@code toString} (the same text as a
 * {@code LinkedHashMap} with the same entries), and every mutator throws
 * {@link UnsupportedOperationException}.
 *
 * <p>Immutable and thread-safe once built (it keeps its own copy of the scores).
 */
final class TaskScores extends AbstractMap<String, Double> {

  private final String[] tasks;
  private final double[] scores;

  /**
   * @param tasks task names in model order, not null, no duplicates; shared, never changed
   * @param scores one score per task, same order; copied
   */
  TaskScores(String[] tasks, double[] scores) {
    if (tasks.length != scores.length) {
      throw new IllegalArgumentException("scores: " + scores.length + " for " + tasks.length
          + " tasks; need one per task");
    }
    this.tasks = tasks;
    this.scores = scores.clone();
  }

  @Override
  public int size() {
    return tasks.length;
  }

  @Override
  public boolean isEmpty() {
    return tasks.length == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Double get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : scores[i];
  }

  @Override
  public Double getOrDefault(Object key, Double defaultValue) {
    int i = indexOf(key);
    return i < 0 ? defaultValue : scores[i];
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Double> action) {
    Objects.requireNonNull(action, "action");
    for (int i = 0; i < tasks.length; i++) {
      action.accept(tasks[i], scores[i]);
    }
  }

  @Override
  public Set<Map.Entry<String, Double>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return tasks.length;
      }

      @Override
      public Iterator<Map.Entry<String, Double>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < tasks.length;
          }

          @Override
          public Map.Entry<String, Double> next() {
            if (next >= tasks.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(tasks[i], scores[i]);
          }
        };
      }
    };
  }

  private int indexOf(Object key) {
    for (int i = 0; i < tasks.length; i++) {
      if (tasks[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < tasks.length; i++) {
      if (tasks[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }
}
